/**
 * Digests of the GitLab job images, so a pipeline runs exactly the image it was written for even
 * if the tag is moved (an official image's tag is rebuilt in place for base-image fixes, and a
 * compromised registry account could push any tag).
 *
 * Only digests read from a trustworthy record are listed: docker-library/repo-info, the Docker
 * Official Images' own automated record of what each tag points to (repos/<image>/remote/<tag>.md,
 * "$ docker pull <image>@sha256:…", the multi-platform index), at the commit named. An image
 * without an entry keeps its tag alone; these have none, and why:
 *   - python:3.14.10-slim-trixie: not in repo-info's stored history;
 *   - rust:1.95.0-slim-trixie: recorded only in a fork of repo-info, not docker-library's own;
 *   - mcr.microsoft.com/dotnet/sdk: Microsoft's registry, which repo-info does not record;
 *   - hashicorp/terraform, alpine/k8s: not official images, with no published digest record;
 *   - any version other than the defaults (--language-version): its digest was never looked up.
 * Never add a digest that was not read from such a record.
 */
interface DigestRecord {
  digest: `sha256:${string}`
  /** Where it was read. */
  source: string
}

const REPO_INFO = 'docker-library/repo-info'

export const IMAGE_DIGESTS: Readonly<Record<string, DigestRecord>> = {
  'docker:29.7.2-cli': {
    digest: 'sha256:3f4743208d2338c934d7b8bcfbe1bb54c0b2355c510ad5e0f31c0c4a54bd704e',
    source: `${REPO_INFO}@3d89bcaea5e3bf71333ddd4d10eb02fc84641dd9 repos/docker/remote/29.7.2-cli.md`,
  },
  'docker:29.7.2-dind': {
    digest: 'sha256:3ef33f2e220b79ed3ef3b99d81746f06f306cd6340e2cb7331d17ae996e74cb6',
    source: `${REPO_INFO}@3d89bcaea5e3bf71333ddd4d10eb02fc84641dd9 repos/docker/remote/29.7.2-dind.md`,
  },
  'node:24.21.0-trixie-slim': {
    digest: 'sha256:8ec5d7557396cfe32d21c3f9c13072355ceab22b584578ca4bb28af31120cffe',
    source: `${REPO_INFO}@3179cb4d576b9929bf86873c87f279ac67661c6e repos/node/remote/24.21.0-trixie-slim.md`,
  },
  'golang:1.26.8-trixie': {
    digest: 'sha256:771f3162219f7a66bb6be3fea1ba31f418932946a99ad9eac26ffd555dfcf393',
    source: `${REPO_INFO}@274d39a50141ecda8745a0ebaa20760259111041 repos/golang/remote/1.26.8-trixie.md`,
  },
  'composer:2.10.2': {
    digest: 'sha256:c86b98f6dc6a29987e54652b30cb6771ecebfe12724140f104fb2074d4cfa381',
    source: `${REPO_INFO}@028ba1530a0a2000cfdff5981294597a6678f2fd repos/composer/remote/2.10.2.md`,
  },
  'eclipse-temurin:25.0.4.1_1-jdk-noble': {
    digest: 'sha256:33e6cb59fcbeb0a55af1cd428aeadb8988ff0a05ecabd4016c485b9eb5439a8c',
    source: `${REPO_INFO}@34e3234d30fbc5dde31ae9a288de69b15463c863 repos/eclipse-temurin/remote/25.0.4.1_1-jdk-noble.md`,
  },
  'gradle:9.8.0-jdk25-noble': {
    digest: 'sha256:e3722b4cade967841fd4e880489c289a9c142cdc81be409f02c6776bbdc4ddbc',
    source: `${REPO_INFO}@780c2c3a8ba8882c2ec40f8b501900551443a0e9 repos/gradle/remote/9.8.0-jdk25-noble.md`,
  },
  'ruby:3.4.10-slim-trixie': {
    digest: 'sha256:edbcd5b7bbaf3713510817c96a26011043f9ee8399cd814985e6e47a63c3102c',
    source: `${REPO_INFO}@1457e322b492254a2dc8a7a36d7016132c19e6b3 repos/ruby/remote/3.4.10-slim-trixie.md`,
  },
}

/** `image:tag@sha256:…` when the digest is on record (the tag stays, saying which release it is); the reference unchanged otherwise. */
export function withDigest(ref: string): string {
  const record = IMAGE_DIGESTS[ref]
  return record ? `${ref}@${record.digest}` : ref
}
