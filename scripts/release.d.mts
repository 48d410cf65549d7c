export interface Stamp {
  /** Relative to the checkout. */
  file: string;
  version: string;
}
export function stamps(root: string): Stamp[];
export function changelogVersion(root: string): string | undefined;
export function check(root: string): string[];
export function release(root: string, next: string, date: string): string[];
