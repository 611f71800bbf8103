import * as vscode from 'vscode';
import { TIME_RANGE_PRESETS, checkAbsoluteRange, describeTimeRange, formatInstant, formatMinutes, parseDuration, parseInstant } from './timeRange';
import type { TimeRange } from './timeRange';

interface RangeItem extends vscode.QuickPickItem {
  range?: TimeRange;
  custom?: boolean;
}

const DURATION_HINT = 'a duration such as 90m, 2h, 1h30m or 3d';

/**
 * Asks for a time range: the presets, a duration typed straight into the picker ("90m"), or
 * Custom… for an absolute start and end. Resolves `undefined` when the user cancels.
 */
export async function pickTimeRange(current: TimeRange): Promise<TimeRange | undefined> {
  const choice = await showRangeQuickPick(current);
  if (choice === undefined) {
    return undefined;
  }
  return choice.custom === true ? askCustomRange() : choice.range;
}

function presetItems(current: TimeRange): RangeItem[] {
  const items: RangeItem[] = TIME_RANGE_PRESETS.map((minutes) => {
    const isCurrent = current.kind === 'last' && current.minutes === minutes;
    return { label: `${isCurrent ? '$(check) ' : ''}Last ${formatMinutes(minutes)}`, range: { kind: 'last', minutes } };
  });
  if (current.kind === 'absolute' || !TIME_RANGE_PRESETS.includes(current.minutes)) {
    items.unshift({ label: `$(check) ${describeTimeRange(current)}`, description: 'current', range: current });
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: 'Custom…', detail: `Start and end (ISO 8601), or ${DURATION_HINT}`, custom: true });
  return items;
}

function showRangeQuickPick(current: TimeRange): Promise<RangeItem | undefined> {
  const picker = vscode.window.createQuickPick<RangeItem>();
  picker.title = 'Traces: Time Range';
  picker.placeholder = `Choose a range, or type ${DURATION_HINT}`;
  const presets = presetItems(current);
  picker.items = presets;
  return new Promise<RangeItem | undefined>((resolve) => {
    picker.onDidChangeValue((value) => {
      const minutes = parseDuration(value);
      // alwaysShow keeps the typed range visible although its label does not match the text.
      picker.items = minutes === undefined ? presets : [{ label: `Last ${formatMinutes(minutes)}`, alwaysShow: true, range: { kind: 'last', minutes } }, ...presets];
    });
    picker.onDidAccept(() => {
      resolve(picker.selectedItems[0]);
      picker.hide();
    });
    picker.onDidHide(() => {
      resolve(undefined);
      picker.dispose();
    });
    picker.show();
  });
}

async function askCustomRange(): Promise<TimeRange | undefined> {
  const now = Date.now();
  const startText = await vscode.window.showInputBox({
    title: 'Traces: Custom Time Range (1/2)',
    prompt: `Start: an ISO 8601 date-time (local time unless it ends in Z), or ${DURATION_HINT} to look back`,
    value: formatInstant(now - 60 * 60_000),
    validateInput: (text) => (parseDuration(text) !== undefined || parseInstant(text) !== undefined ? undefined : `Type ${DURATION_HINT}, or a date-time like 2026-11-22 06:00`),
  });
  if (startText === undefined) {
    return undefined;
  }
  const minutes = parseDuration(startText);
  if (minutes !== undefined) {
    return { kind: 'last', minutes };
  }
  const startMs = parseInstant(startText) as number;
  const endText = await vscode.window.showInputBox({
    title: 'Traces: Custom Time Range (2/2)',
    prompt: 'End: an ISO 8601 date-time; leave empty for now',
    placeHolder: 'now',
    validateInput: (text) => {
      const endMs = text.trim() === '' ? Date.now() : parseInstant(text);
      return endMs === undefined ? 'Type a date-time like 2026-11-22 07:30, or leave empty for now' : checkAbsoluteRange(startMs, endMs, Date.now());
    },
  });
  if (endText === undefined) {
    return undefined;
  }
  const endMs = endText.trim() === '' ? Date.now() : (parseInstant(endText) as number);
  return { kind: 'absolute', startMs, endMs };
}
