/** A field's message, under the field and tied to it with aria-describedby. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span class="field-error" id={id}>
      {message}
    </span>
  );
}
