#!/usr/bin/env bash
# Builds a signed apt repository from one or more .debs with Debian's own tools:
#   scripts/apt-repo.sh OUT_DIR SIGNING_KEY DEB...
# OUT_DIR gets pool/main/a/aelyst-desk/*.deb, dists/stable/{Release,InRelease,Release.gpg},
# dists/stable/main/binary-<arch>/Packages(.gz) and aelyst-desk.gpg (the public key, as apt's
# Signed-By reads it). SIGNING_KEY is a gpg key id or fingerprint in $GNUPGHOME (ed25519 or
# rsa4096, without a passphrase here: the release workflow imports its key from a secret into
# a throwaway GNUPGHOME; the tests make one). Debs already in OUT_DIR's pool stay published,
# so a release adds its .deb beside the earlier ones and agents can go back.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 OUT_DIR SIGNING_KEY DEB..." >&2
  exit 2
fi
out=$1
key=$2
shift 2

# apt-ftparchive and gpg, when a fresh machine lacks them.
"$(dirname "$0")/apt-install-missing.sh" apt-utils gpg

suite=stable
component=main
pool="pool/$component/a/aelyst-desk"
mkdir -p "$out/$pool"
for deb in "$@"; do
  dpkg-deb --info "$deb" >/dev/null
  cp "$deb" "$out/$pool/"
done

cd "$out"
arches=$(for deb in "$pool"/*.deb; do dpkg-deb -f "$deb" Architecture; done | sort -u)
rm -rf "dists/$suite"
for arch in $arches; do
  dir="dists/$suite/$component/binary-$arch"
  mkdir -p "$dir"
  apt-ftparchive --arch "$arch" packages "$pool" > "$dir/Packages"
  gzip -9nk "$dir/Packages"
done
apt-ftparchive \
  -o "APT::FTPArchive::Release::Origin=Aelyst" \
  -o "APT::FTPArchive::Release::Label=Aelyst Desk" \
  -o "APT::FTPArchive::Release::Suite=$suite" \
  -o "APT::FTPArchive::Release::Codename=$suite" \
  -o "APT::FTPArchive::Release::Components=$component" \
  -o "APT::FTPArchive::Release::Architectures=$(echo $arches)" \
  release "dists/$suite" > "dists/$suite/Release"
gpg --batch --yes --local-user "$key" --clearsign --output "dists/$suite/InRelease" "dists/$suite/Release"
gpg --batch --yes --local-user "$key" --armor --detach-sign --output "dists/$suite/Release.gpg" "dists/$suite/Release"
gpg --batch --yes --export "$key" > aelyst-desk.gpg
echo "apt repository in $out: $(ls "$pool" | wc -l) package(s), $(du -sh . | cut -f1)"
