/**
 * A labelled control with its hint and the server's refusals of it. The refusals are tied to the
 * control by aria-describedby, outside its label, so a screen reader reads the field's name and
 * then what is wrong with it (inside the label they would become part of its name).
 */
import { type ReactNode, useId } from 'react';

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

export function Field({ label, problems = [], hint, children }: { label: ReactNode; problems?: string[]; hint?: ReactNode; children(control: ControlProps): ReactNode }) {
  const id = useId();
  const notes = [hint ? `${id}-hint` : null, ...problems.map((_, index) => `${id}-problem-${index}`)].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(notes ? { 'aria-describedby': notes } : {}), ...(problems.length > 0 ? { 'aria-invalid': true } : {}) })}
      {hint && <span id={`${id}-hint`} className="hint">{hint}</span>}
      {problems.map((problem, index) => (
        <span key={problem} id={`${id}-problem-${index}`} className="field-error">{problem}</span>
      ))}
    </div>
  );
}
