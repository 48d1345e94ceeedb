/**
 * A proposal's words: its title and, for multiple choice, one short name per option, carried in the
 * proposal's on-chain `description`. The description is bound by the proposer's proof and emitted in
 * ProposalCreated, so no relayer can rename an option; the format reads as plain text wherever the
 * description is shown raw (an explorer, an older app):
 *
 *     Choose Hillside's water service
 *
 *     Options:
 *     1. Clearwater (600 USDz a month)
 *     2. Springco (450 USDz a month)
 *
 * Browser-safe: no imports but constants.
 */
import { MAX_OPTIONS } from "./constants.js";

/** The most characters of a title (a description without option names may be any length). */
export const MAX_TITLE_LENGTH = 200;
/** The most characters of an option's name: a short name, the actions say the rest. */
export const MAX_OPTION_NAME_LENGTH = 80;

/** What a proposer writes: a title, and for a multiple-choice proposal a name per option. */
export interface ProposalText {
  title: string;
  /** One per option, in the chain's option order; undefined for For/Against/Abstain or unnamed options. */
  optionNames?: readonly string[] | undefined;
}

const OPTIONS_BLOCK = "\n\nOptions:\n";

/**
 * The description that carries `title` and `optionNames`. Throws, naming the field, for an empty
 * text, a line break or other control character, a text above its length cap, or a number of names
 * that no multiple-choice proposal can have (2 to MAX_OPTIONS).
 */
export function encodeProposalText({ title, optionNames }: ProposalText): string {
  const problem = textProblem(title, MAX_TITLE_LENGTH);
  if (problem) throw new Error(`Title: ${problem}`);
  if (optionNames === undefined || optionNames.length === 0) return title;
  if (optionNames.length < 2 || optionNames.length > MAX_OPTIONS) {
    throw new Error(
      `Option names: a multiple-choice proposal has 2 to ${MAX_OPTIONS} options, not ${optionNames.length}`,
    );
  }
  const lines = optionNames.map((name, index) => {
    const nameProblem = textProblem(name, MAX_OPTION_NAME_LENGTH);
    if (nameProblem) throw new Error(`Option ${index + 1}'s name: ${nameProblem}`);
    return `${index + 1}. ${name}`;
  });
  return title + OPTIONS_BLOCK + lines.join("\n");
}

/**
 * The title and option names in `description`. Names are read only when the description ends with
 * an "Options:" block of exactly `optionCount` valid names numbered 1 to `optionCount` (pass the
 * number of a multiple-choice proposal's option lists); anything else (an older or free-form
 * description, a count that does not match) is all title, with no names, so callers fall back to
 * the options' actions.
 */
export function readProposalText(
  description: string,
  optionCount: number,
): { title: string; optionNames: string[] | undefined } {
  const whole = { title: description, optionNames: undefined };
  const at = description.lastIndexOf(OPTIONS_BLOCK);
  if (at === -1) return whole;
  const title = description.slice(0, at);
  const lines = description.slice(at + OPTIONS_BLOCK.length).split("\n");
  if (textProblem(title, MAX_TITLE_LENGTH) || lines.length !== optionCount) return whole;
  const names: string[] = [];
  for (const [index, line] of lines.entries()) {
    const prefix = `${index + 1}. `;
    const name = line.slice(prefix.length);
    if (!line.startsWith(prefix) || textProblem(name, MAX_OPTION_NAME_LENGTH)) return whole;
    names.push(name);
  }
  return { title, optionNames: names };
}

/** Why `text` cannot be a title or name, or undefined if it can. */
export function textProblem(text: string, maxLength: number): string | undefined {
  if (text.trim() === "") return "must not be empty.";
  if (text !== text.trim()) return "must not begin or end with spaces.";
  // Line breaks would break the format; other control and format characters could hide text.
  if (/[\p{C}\p{Zl}\p{Zp}]/u.test(text)) return "must be one line, without control characters.";
  const length = [...text].length;
  if (length > maxLength) return `at most ${maxLength} characters (this one has ${length}).`;
  return undefined;
}
