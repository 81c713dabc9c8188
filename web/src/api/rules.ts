/**
 * The API's own input rules, checked before sending: a person learns at once that a title is
 * empty, and the API still checks everything (these are a courtesy, not the defence).
 */

export const TITLE_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 2000;
export const CATEGORY_NAME_MAX_LENGTH = 50;

export type FieldErrors = Record<string, string>;

export function checkTitle(raw: string): string | undefined {
  const title = raw.trim();
  if (title.length === 0) return 'must not be empty';
  if (title.length > TITLE_MAX_LENGTH) return `must be at most ${TITLE_MAX_LENGTH} characters`;
  return undefined;
}

export function checkNewTodo(input: { title: string; description: string }): FieldErrors {
  const errors: FieldErrors = {};
  const title = checkTitle(input.title);
  if (title) errors.title = title;
  if (input.description.length > DESCRIPTION_MAX_LENGTH)
    errors.description = `must be at most ${DESCRIPTION_MAX_LENGTH} characters`;
  return errors;
}

export function checkCredentials(input: { email: string; password: string }, registering: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email.trim())) errors.email = 'must be a valid email address';
  if (registering && input.password.length < 8) errors.password = 'must be at least 8 characters';
  if (!registering && input.password.length === 0) errors.password = 'is required';
  return errors;
}

export function checkCategoryName(raw: string): string | undefined {
  const name = raw.trim();
  if (name.length === 0) return 'must not be empty';
  if (name.length > CATEGORY_NAME_MAX_LENGTH) return `must be at most ${CATEGORY_NAME_MAX_LENGTH} characters`;
  return undefined;
}
