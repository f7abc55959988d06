import { commonContract, memberPrefix, portEnv, runtimeCopies } from './contract.js'
import type { LanguageChoice, PackageManagerChoice } from './types.js'
import { cacheOf } from './cache-mounts.js'

/**
 * The starter app's projects. File names cannot carry the service name (templates are copied
 * path for path), so the projects are `App` and `App.Tests`; the service name lives in
 * `src/App/Service.cs`.
 */
const APP_PROJECT = 'src/App/App.csproj'
const TEST_PROJECT = 'tests/App.Tests/App.Tests.csproj'
/** The .NET images' built-in non-root `app` user (APP_UID). */
const DOTNET_APP_UID = 1654

/**
 * The .NET SDK pinned for each runtime line: the SDK builds the image, the runtime runs it.
 * SDK and runtime patch numbers differ (runtime 10.0.14 ships in SDK 10.0.403), so a
 * user-chosen runtime patch keeps the line's pinned SDK; `--language-version 10.0` floats both.
 */
const SDK_PINS: Readonly<Record<string, string>> = { '10.0': '10.0.403' }

/**
 * NuGet through the dotnet CLI. The app itself has no package references (its probes use the
 * base class library), so its restore needs nothing from nuget.org; the xUnit test project
 * does, with versions pinned centrally in Directory.Packages.props.
 */
const NUGET: PackageManagerChoice = {
  id: 'nuget',
  label: 'NuGet (dotnet CLI)',
  available: true,
  // Part of the .NET SDK.
  version: null,
  // Copied before the source so the restore layer survives source-only changes; Compose watch
  // rebuilds the dev image when one of them changes.
  manifests: ['Directory.Build.props', 'Directory.Packages.props', APP_PROJECT, TEST_PROJECT],
  ...cacheOf('/root/.nuget/packages'),
  // Every project (the test project references the app); the prod build restores the app
  // alone, for the target architecture.
  install: `dotnet restore ${TEST_PROJECT}`,
  installProd: `dotnet restore ${APP_PROJECT} -a "$TARGETARCH"`,
}

/** C# on ASP.NET Core minimal APIs, shipped on Microsoft's chiseled (distroless) runtime image. */
export const DOTNET: LanguageChoice = {
  id: 'dotnet',
  label: '.NET (C#)',
  available: true,
  defaultPort: 8080,
  // `dotnet watch` rebuilds and restarts on the files Compose syncs into the dev container.
  // Debuggers attach through `docker exec` (vsdbg), not a TCP port.
  dev: { debugPort: null, environment: {}, sync: ['src'] },
  defaultVersion: '10.0.14',
  // .NET 10 is the current LTS; the project targets net10.0 and its images are published as
  // 10.0 and 10.0.N (Ubuntu 24.04 "noble": .NET 10 has no Debian images).
  versionPattern: /^10\.0(\.\d{1,3})?$/,
  versionHint: 'a .NET 10 (LTS) version such as 10.0 or 10.0.14',
  templateData: ({ languageVersion, app = {} }) => {
    const line = languageVersion.split('.').slice(0, 2).join('.')
    const appProject = app.appProject ?? APP_PROJECT
    // An existing solution without a test project: `dotnet test` builds the app and finds no tests.
    const testProject = app.appProject ? (app.testProject ?? appProject) : TEST_PROJECT
    const common = commonContract(app)
    const at = memberPrefix(app)
    return {
      ...common,
      // ASPNETCORE_HTTP_PORTS is set below in any case: the app's own variable, when another, beside it.
      envPort: portEnv(app) === 'ASPNETCORE_HTTP_PORTS' ? 'PORT' : common.portEnv,
      // Files the app opens from its content root (/app) that publishing leaves out.
      runtimeCopies: runtimeCopies(app).map((p) => ({ from: `${at}${p}`, to: `./${p}` })),
      sdkVersion: languageVersion === line ? line : (SDK_PINS[line] ?? line),
      targetFramework: `net${line}`,
      appProject,
      appDir: appProject.slice(0, appProject.lastIndexOf('/')),
      testProject,
      testDir: testProject.slice(0, testProject.lastIndexOf('/')),
      assembly: app.assembly ?? 'App.dll',
      // The .NET images' built-in non-root `app` user (APP_UID), numeric for hadolint and runAsNonRoot.
      user: `${DOTNET_APP_UID}:${DOTNET_APP_UID}`,
      // Exec-form argv for the dev and test targets (rendered with the `json` helper).
      commands: {
        dev: ['dotnet', 'watch', '--project', appProject],
        test: ['dotnet', 'test', testProject, '--no-build'],
      },
    }
  },
  runtimeUid: DOTNET_APP_UID,
  packageManagers: [NUGET],
  frameworks: [{ id: 'aspnetcore', label: 'ASP.NET Core (minimal API)', available: true, starter: 'dotnet/app' }],
}
