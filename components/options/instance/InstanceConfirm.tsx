import { useEffect, useRef } from 'preact/hooks';

export interface ConfirmChoice {
  label: string;
  primary?: boolean;
  onChoose(): void;
}

/**
 * An inline question inside an instance's editor ("Use the stored key for https://…?"): nothing is
 * saved, sent or removed until one of its buttons is pressed. Focus moves to it when it appears.
 */
export function InstanceConfirm({ question, choices }: { question: string; choices: ConfirmChoice[] }) {
  const first = useRef<HTMLButtonElement>(null);
  const id = useRef(`confirm-${Math.random().toString(36).slice(2, 8)}`).current;
  useEffect(() => first.current?.focus(), [question]);
  return (
    <div role="alertdialog" aria-labelledby={id} class="row status-warn">
      <span id={id}>{question}</span>
      {choices.map((choice, index) => (
        <button
          key={choice.label}
          type="button"
          ref={index === 0 ? first : undefined}
          class={choice.primary ? 'primary' : undefined}
          onClick={choice.onChoose}
        >
          {choice.label}
        </button>
      ))}
    </div>
  );
}
