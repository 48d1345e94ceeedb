/**
 * The last step before something that cannot be undone (a vote, an invitation, a dividend claim):
 * a modal dialog. Focus moves into it, to Back (the step a slip of the keyboard cannot harm), Escape
 * is Back, and the page behind cannot be clicked meanwhile. `children` is the body, and must hold
 * the element with id `confirm-<name>-note` that describes what happens.
 */
import { useEffect, useRef, type ReactNode } from "react";

export function ConfirmDialog(props: {
  name: string;
  heading: ReactNode;
  children: ReactNode;
  sendLabel?: string;
  onSend: () => void;
  onBack: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const back = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    // showModal focuses the first control; Back is where a slip of the keyboard does no harm.
    back.current?.focus();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="confirm"
      aria-labelledby={`confirm-${props.name}-heading`}
      aria-describedby={`confirm-${props.name}-note`}
      data-testid={`confirm-${props.name}`}
      onCancel={(event) => {
        event.preventDefault(); // Escape: Back, handled here rather than by the browser
        props.onBack();
      }}
    >
      <h2 id={`confirm-${props.name}-heading`}>{props.heading}</h2>
      {props.children}
      <div className="actions">
        <button type="button" onClick={props.onSend}>
          {props.sendLabel ?? "Send"}
        </button>
        <button type="button" className="secondary" onClick={props.onBack} ref={back}>
          Back
        </button>
      </div>
    </dialog>
  );
}

/** A task's steps, those done marked, the current one highlighted (`current` -1: none shown). */
export function Stages(props: { steps: readonly string[]; current: number }) {
  if (props.current < 0) return null;
  return (
    <ol className="stages">
      {props.steps.map((step, index) => (
        <li
          key={step}
          className={index < props.current ? "done" : index === props.current ? "current" : undefined}
        >
          {step}
        </li>
      ))}
    </ol>
  );
}
