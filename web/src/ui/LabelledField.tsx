import type { ComponentChildren } from 'preact';

/** What the control inside a labelled field spreads onto itself: its id, and its tie to the message. */
export interface FieldControl {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/**
 * A form field: its label, the control (an input, a textarea) and, when there is one, its message
 * under it, tied to the control with aria-describedby so a screen reader reads it with the field.
 *
 *   <LabelledField id="todo-title" label="Title" error={errors.title}>
 *     {(control) => <input {...control} value={title} onInput={...} />}
 *   </LabelledField>
 */
export function LabelledField(props: {
  id: string;
  label: string;
  error?: string | undefined;
  children: (control: FieldControl) => ComponentChildren;
}) {
  const errorId = `${props.id}-error`;
  return (
    <>
      <label for={props.id}>{props.label}</label>
      {props.children({
        id: props.id,
        'aria-invalid': Boolean(props.error),
        'aria-describedby': props.error ? errorId : undefined,
      })}
      {props.error && (
        <span class="field-error" id={errorId}>
          {props.error}
        </span>
      )}
    </>
  );
}
