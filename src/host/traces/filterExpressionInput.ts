import * as vscode from 'vscode';
import { FILTER_EXAMPLES, checkFilterExpression } from './filterExpressionCheck';

interface FilterItem extends vscode.QuickPickItem {
  expression?: string;
  clear?: boolean;
  example?: boolean;
}

/**
 * Asks for an X-Ray filter expression. What the user types is the new expression (the first
 * item); history and examples can be picked or edited. Resolves the expression, `''` to clear
 * the filter, or `undefined` when cancelled.
 */
export function askFilterExpression(current: string, history: readonly string[]): Promise<string | undefined> {
  const picker = vscode.window.createQuickPick<FilterItem>();
  picker.title = 'Traces: Filter Expression';
  picker.placeholder = 'Type an X-Ray filter expression, e.g. service("checkout") { fault }';
  picker.value = current;
  picker.matchOnDescription = true;
  const fixed = listedItems(current, history);
  const update = (): void => {
    picker.items = [...typedItems(picker.value, current), ...fixed];
  };
  update();
  return new Promise<string | undefined>((resolve) => {
    picker.onDidChangeValue(update);
    picker.onDidAccept(() => {
      const item = picker.selectedItems[0];
      const typed = picker.value.trim();
      if (item?.clear === true || (item === undefined && typed === '')) {
        resolve('');
        picker.hide();
        return;
      }
      if (item?.example === true && item.expression !== typed) {
        // Examples are templates: put them in the box for editing rather than running them.
        picker.value = item.expression ?? typed;
        update();
        return;
      }
      const expression = item?.expression ?? typed;
      if (checkFilterExpression(expression) !== undefined) {
        // Keep the box open so the typo can be fixed; the first item already says what is wrong.
        return;
      }
      resolve(expression);
      picker.hide();
    });
    picker.onDidHide(() => {
      resolve(undefined);
      picker.dispose();
    });
    picker.show();
  });
}

function typedItems(value: string, current: string): FilterItem[] {
  const typed = value.trim();
  if (typed === '') {
    return current === '' ? [] : [{ label: '$(clear-all) Clear the filter', alwaysShow: true, clear: true }];
  }
  const problem = checkFilterExpression(typed);
  return [
    {
      label: problem === undefined ? `$(search) ${typed}` : `$(warning) ${typed}`,
      description: problem === undefined ? 'Apply this filter' : 'Cannot apply yet',
      detail: problem,
      alwaysShow: true,
      expression: typed,
    },
  ];
}

function listedItems(current: string, history: readonly string[]): FilterItem[] {
  const items: FilterItem[] = [];
  const past = history.filter((expression) => expression !== current);
  if (past.length > 0) {
    items.push({ label: 'Recent', kind: vscode.QuickPickItemKind.Separator });
    items.push(...past.map((expression) => ({ label: `$(history) ${expression}`, expression })));
  }
  items.push({ label: 'Examples', kind: vscode.QuickPickItemKind.Separator });
  items.push(...FILTER_EXAMPLES.map((example) => ({ label: `$(lightbulb) ${example.expression}`, description: example.description, expression: example.expression, example: true })));
  return items;
}
