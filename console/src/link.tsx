// Internal links: a real href (so a new tab or a copied address works) that navigates in place on a
// plain click, so the page never reloads and the live stream stays open.
import type { ComponentChildren, JSX } from 'preact';
import { BASE, onLink } from './router.js';

/** The few anchor attributes the pages set on internal links. */
interface LinkAttributes {
  class?: string;
  role?: 'tab';
  'aria-label'?: string;
  'aria-selected'?: boolean;
  'aria-current'?: 'page' | undefined;
}

/** `to` is the path after /console, starting with `/`. */
export function Link({ to, children, ...rest }: LinkAttributes & { to: string; children: ComponentChildren }): JSX.Element {
  return (
    <a {...rest} href={`${BASE}${to}`} onClick={onLink(to)}>
      {children}
    </a>
  );
}

/** A link to a task's page, showing its id unless told otherwise. */
export function TaskLink({ id, children, ...rest }: LinkAttributes & { id: string; children?: ComponentChildren }): JSX.Element {
  return (
    <Link {...rest} to={`/tasks/${encodeURIComponent(id)}`}>
      {children ?? id}
    </Link>
  );
}
