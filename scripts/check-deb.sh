#!/usr/bin/env bash
# Installs the built .deb with apt, checks the menu entry and icons, then launches the
# installed binary under Xvfb (with a private D-Bus session and an unlocked keyring, as on a
# desktop) and saves a screenshot of the screen to target/deb-check/installed-app.png; then
# drives the installed app through WebDriver (scripts/check-installed-ui.py).
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
deb=$(ls -t "$target"/release/bundle/deb/*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
  scripts/package-deb.sh
  deb=$(ls -t "$target"/release/bundle/deb/*.deb | head -n 1)
fi
case "$deb" in /*) ;; *) deb="./$deb" ;; esac
for tool in xwininfo import; do
  command -v "$tool" >/dev/null || missing_tools=1
done
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
if [ -n "${missing_tools:-}" ]; then
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq x11-utils imagemagick >/dev/null
fi

# The sandbox is a dev-only crate: the package has no sandbox binary.
if dpkg-deb -c "$deb" | grep -q aelyst-sandbox; then
  echo "the .deb contains the sandbox" >&2
  exit 1
fi

# The tray's indicator library is loaded at run time: the package must bring it.
dpkg-deb -f "$deb" Depends | grep -q "libayatana-appindicator3-1" \
  || { echo "the .deb does not depend on libayatana-appindicator3-1 (the tray needs it)" >&2; exit 1; }

echo "Installing $deb"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --reinstall "$deb" >/dev/null
test -x /usr/bin/aelyst-desk
desktop_file=$(grep -l "^Exec=aelyst-desk" /usr/share/applications/*.desktop | head -n 1)
grep -q "^Name=Aelyst Desk" "$desktop_file"
icon=$(sed -n 's/^Icon=//p' "$desktop_file")
ls /usr/share/icons/hicolor/*/apps/"$icon".png >/dev/null
echo "Menu entry: $desktop_file (icon $icon)"
# Links open in the app, and the launcher's menu offers "Close from clipboard".
grep -q "^MimeType=x-scheme-handler/aelyst-desk;" "$desktop_file"
grep -q "^Exec=aelyst-desk --close-from-clipboard" "$desktop_file"
# The test-only ways in are compiled out of release builds: the file-dialog stand-in, and a
# policy folder other than the system's (the release build reads /etc and the registry only).
for variable in AELYST_DIALOG_PATH AELYST_POLICY_ROOT; do
  if grep -q "$variable" /usr/bin/aelyst-desk; then
    echo "the shipped binary still reads $variable" >&2
    exit 1
  fi
done

out="$target/deb-check"
mkdir -p "$out"
home=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; fusermount -u "$home/run/doc" 2>/dev/null || true; rm -rf "$home" 2>/dev/null || true' EXIT
mkdir -p "$home/run" && chmod 700 "$home/run"
display=":$((300 + RANDOM % 3000))"
Xvfb "$display" -screen 0 1280x900x24 -nolisten tcp &
for _ in $(seq 1 100); do
  [ -S "/tmp/.X11-unix/X${display#:}" ] && break
  sleep 0.1
done
[ -S "/tmp/.X11-unix/X${display#:}" ] || { echo "Xvfb did not start" >&2; exit 1; }
export DISPLAY="$display" HOME="$home" XDG_RUNTIME_DIR="$home/run" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config"
dbus-run-session -- bash -c '
  printf "deb-check-password" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
  /usr/bin/aelyst-desk &
  app=$!
  for _ in $(seq 1 100); do
    if xwininfo -root -tree | grep -q "\"Aelyst Desk\""; then break; fi
    sleep 0.2
  done
  xwininfo -root -tree | grep -q "\"Aelyst Desk\"" || { echo "the installed app opened no window" >&2; exit 1; }
  # Poll for the page on screen, not a fixed sleep: the window is mapped (above) before the
  # webview has painted, and a blank window is two colours (the root and the background).
  for _ in $(seq 1 100); do
    import -window root "'"$out"'/installed-app.png"
    if [ "$(identify -format %k "'"$out"'/installed-app.png")" -gt 16 ]; then break; fi
    sleep 0.2
  done
  [ "$(identify -format %k "'"$out"'/installed-app.png")" -gt 16 ] || { echo "the window stayed blank" >&2; exit 1; }
  # A second launch hands over to the running app and exits; still one window.
  timeout 20 /usr/bin/aelyst-desk || { echo "a second launch did not hand over and exit" >&2; exit 1; }
  windows=$(xwininfo -root -tree | grep -c "\"Aelyst Desk\"" || true)
  kill -0 "$app" || { echo "the first app went away" >&2; exit 1; }
  echo "Second launch handed over; Aelyst Desk windows: $windows"
  kill "$app"
'
echo "The installed app started; screenshot: $out/installed-app.png"
# The bundled front end the package ships, driven through WebDriver.
python3 scripts/check-installed-ui.py /usr/bin/aelyst-desk
