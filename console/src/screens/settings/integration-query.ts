/** A registration read from the API, or null while there is none (the API answers 404 then). */
import { EnrolldError } from '@enrolld/client';

export async function orNullWhenMissing<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof EnrolldError && error.status === 404) return null;
    throw error;
  }
}

/** The text of a form field, trimmed. */
export const textOf = (data: FormData, name: string) => String(data.get(name) ?? '').trim();
