#!/usr/bin/env bash
# Installs the Debian packages named on the command line that are missing, with apt-get — and starts and
# enables no service doing so. openssh-server, which the tests need for its sshd binary (they run their own
# sshd, with its own config and host key, on a loopback port), would otherwise start sshd at once and enable
# it at boot on a host with systemd.
#
#   scripts/install-debian-packages.sh libgit2-dev pkg-config git
#
# With DRY_RUN=1 it only prints the packages it would install.
set -euo pipefail

missing=()
for package in "$@"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
[ "${DRY_RUN:-0}" = 1 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo

# A policy-rc.d answering 101 ("action forbidden") for the time of the install: invoke-rc.d and
# deb-systemd-invoke then start nothing. One that is already there (a container image's) is left as it is.
policy=/usr/sbin/policy-rc.d
own_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# Written by WriftSync'"'"'s scripts/install-debian-packages.sh for the time of an install.\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  own_policy=true
fi
remove_policy() { if [ "$own_policy" = true ]; then $sudo rm -f "$policy"; fi; }
trap remove_policy EXIT

$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"

# The install enables sshd at boot (the policy only stops it starting now): disable it again, and check.
for package in "${missing[@]}"; do
  [ "$package" = openssh-server ] || continue
  if command -v deb-systemd-helper >/dev/null 2>&1; then
    $sudo deb-systemd-helper disable ssh.service ssh.socket >/dev/null 2>&1 || true
  fi
  if command -v update-rc.d >/dev/null 2>&1; then
    $sudo update-rc.d ssh disable >/dev/null 2>&1 || true
  fi
  for link in /etc/systemd/system/sshd.service /etc/systemd/system/multi-user.target.wants/ssh.service \
    /etc/systemd/system/sockets.target.wants/ssh.socket; do
    if [ -e "$link" ] || [ -L "$link" ]; then
      echo "warning: $link still enables sshd at boot; remove it with: sudo systemctl disable ssh" >&2
    fi
  done
  echo "openssh-server installed for its sshd binary only: the sshd service is neither started nor enabled"
done
