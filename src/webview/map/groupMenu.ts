/**
 * The "Group" menu: collapse every node of a service type, or every node whose name starts with
 * a prefix, into one node; expand groups back. Offers the types and prefixes that would group at
 * least two nodes, plus a prefix typed by the user.
 */
import type { CollapseRule } from '../../shared/mapMessages';
import type { GraphNode } from '../../shared/serviceGraphModel';
import { button, el } from '../timeline/dom';
import { SERVICE_LABEL } from './mapFormat';
import { namePrefixOf, sameRule } from './mapModel';

export interface GroupMenuActions {
  collapse(rule: CollapseRule): void;
  expand(rule: CollapseRule): void;
}

function describe(rule: CollapseRule): string {
  return rule.kind === 'type' ? `${SERVICE_LABEL[rule.value]} nodes` : `names starting "${rule.value}"`;
}

/** Types and prefixes that would group two nodes or more, most nodes first. */
export function groupCandidates(nodes: readonly GraphNode[]): { rule: CollapseRule; count: number }[] {
  const types = new Map<GraphNode['type'], number>();
  const prefixes = new Map<string, number>();
  for (const node of nodes) {
    types.set(node.type, (types.get(node.type) ?? 0) + 1);
    const prefix = namePrefixOf(node.name);
    if (prefix !== undefined) prefixes.set(prefix, (prefixes.get(prefix) ?? 0) + 1);
  }
  const typeRules = [...types].filter(([, n]) => n > 1).map(([value, count]) => ({ rule: { kind: 'type', value } as CollapseRule, count }));
  const prefixRules = [...prefixes].filter(([, n]) => n > 1).map(([value, count]) => ({ rule: { kind: 'prefix', value } as CollapseRule, count }));
  return [...typeRules.sort((a, b) => b.count - a.count), ...prefixRules.sort((a, b) => b.count - a.count).slice(0, 10)];
}

export function renderGroupMenu(menu: HTMLElement, nodes: readonly GraphNode[], active: readonly CollapseRule[], act: GroupMenuActions): void {
  const items: HTMLElement[] = [el('h3', { text: 'Group nodes' })];
  for (const rule of active) {
    items.push(el('div', { className: 'map-menu-row' }, [el('span', { text: `Grouped: ${describe(rule)}` }), button('Expand', 'map-button map-secondary', () => act.expand(rule))]));
  }
  for (const { rule, count } of groupCandidates(nodes)) {
    if (active.some((a) => sameRule(a, rule))) continue;
    items.push(button(`Group ${count} ${describe(rule)}`, 'map-menu-item', () => act.collapse(rule)));
  }
  const input = el('input', { className: 'map-input', attrs: { type: 'text', placeholder: 'Name prefix, e.g. orders-', 'aria-label': 'Group nodes whose name starts with' } });
  const add = (): void => {
    const value = input.value.trim();
    if (value !== '') act.collapse({ kind: 'prefix', value: value.slice(0, 200) });
  };
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') add();
  });
  items.push(el('div', { className: 'map-menu-row' }, [input, button('Group', 'map-button', add)]));
  menu.replaceChildren(...items);
}
