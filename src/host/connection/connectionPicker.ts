import * as vscode from 'vscode';
import { loadAwsProfiles } from './awsModules';
import type { Config } from '../config';

interface ValueItem extends vscode.QuickPickItem {
  value?: string;
}

const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/**
 * QuickPicks that choose the AWS profile and region and write them to the settings; the settings
 * change then rebuilds the connection (see `ConnectionController`).
 */
export class ConnectionPicker {
  constructor(private readonly config: Config) {}

  /** Profile, then region. */
  async pickConnection(): Promise<void> {
    const profile = await this.askProfile();
    if (profile === undefined) {
      return;
    }
    const region = await this.askRegion(profile.region);
    await this.write('aws.profile', profile.name);
    if (region !== undefined) {
      await this.write('aws.region', region);
    }
  }

  async pickProfile(): Promise<void> {
    const profile = await this.askProfile();
    if (profile !== undefined) {
      await this.write('aws.profile', profile.name);
    }
  }

  async pickRegion(): Promise<void> {
    const profiles = await loadAwsProfiles();
    const configured = this.config.get('aws.profile') || profiles.defaultProfileName();
    const profileRegion = (await profiles.listProfiles()).find((profile) => profile.name === configured)?.region;
    const region = await this.askRegion(profileRegion);
    if (region !== undefined) {
      await this.write('aws.region', region);
    }
  }

  /** `name` is `''` for the SDK's default chain. */
  private async askProfile(): Promise<{ name: string; region: string | undefined } | undefined> {
    const profilesModule = await loadAwsProfiles();
    const profiles = await profilesModule.listProfiles();
    const current = this.config.get('aws.profile');
    const check = (name: string): string => (name === current ? '$(check) ' : '');
    const items: ValueItem[] = [
      { label: `${check('')}$(globe) Default credential chain`, description: `AWS_PROFILE, environment variables, then "${profilesModule.defaultProfileName()}"`, value: '' },
      { label: 'Profiles', kind: vscode.QuickPickItemKind.Separator },
      ...profiles.map((profile) => ({
        label: `${check(profile.name)}${profile.name}`,
        description: [profile.isSso ? 'SSO' : undefined, profile.region].filter((part) => part !== undefined).join(' · '),
        detail: `from ${profile.sources.map((source) => (source === 'config' ? '~/.aws/config' : '~/.aws/credentials')).join(' and ')}`,
        value: profile.name,
      })),
    ];
    const choice = await vscode.window.showQuickPick(items, {
      title: 'Serverless Lens: AWS Profile',
      placeHolder: profiles.length === 0 ? 'No profiles in ~/.aws/config or ~/.aws/credentials' : 'Choose the profile to read traces with',
      matchOnDescription: true,
    });
    if (choice?.value === undefined) {
      return undefined;
    }
    return { name: choice.value, region: profiles.find((profile) => profile.name === choice.value)?.region };
  }

  /** `''` means "the profile's region"; typing a region code that is not listed also works. */
  private async askRegion(profileRegion: string | undefined): Promise<string | undefined> {
    const { AWS_REGIONS } = await loadAwsProfiles();
    const current = this.config.get('aws.region');
    const regions = current !== '' ? [current, ...AWS_REGIONS.filter((region) => region !== current)] : [...AWS_REGIONS];
    const fixed: ValueItem[] = [
      { label: `${current === '' ? '$(check) ' : ''}$(account) Region of the profile`, description: profileRegion ?? 'AWS_REGION or the SDK default', value: '' },
      { label: 'Regions', kind: vscode.QuickPickItemKind.Separator },
      ...regions.map((region) => ({ label: `${region === current ? '$(check) ' : ''}${region}`, value: region })),
    ];
    const picker = vscode.window.createQuickPick<ValueItem>();
    picker.title = 'Serverless Lens: AWS Region';
    picker.placeholder = 'Choose the region to read traces from, or type a region code';
    picker.items = fixed;
    return new Promise<string | undefined>((resolve) => {
      picker.onDidChangeValue((value) => {
        const typed = value.trim().toLowerCase();
        const known = regions.includes(typed);
        picker.items = REGION_PATTERN.test(typed) && !known ? [{ label: typed, description: 'Use this region', alwaysShow: true, value: typed }, ...fixed] : fixed;
      });
      picker.onDidAccept(() => {
        resolve(picker.selectedItems[0]?.value);
        picker.hide();
      });
      picker.onDidHide(() => {
        resolve(undefined);
        picker.dispose();
      });
      picker.show();
    });
  }

  private async write(key: 'aws.profile' | 'aws.region', value: string): Promise<void> {
    if (this.config.get(key) !== value) {
      await this.config.update(key, value);
    }
  }
}
