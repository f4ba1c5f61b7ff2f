#!/usr/bin/env bash
# System packages the tests need: Chromium and its driver for the real-browser test, poppler and qpdf for PDF
# checks, NSS's certutil to trust a signing CA in pdfsig's certificate store, PostgreSQL (server and psql) for the
# distributed mode's tests (they start a throwaway cluster of their own: tests/pgcluster.py), and Xvfb, xdotool and
# the X libraries Qt WebEngine loads, for the real native window (tests/test_native_window.py).
# Installed with apt-get when missing and we are root (as in CI); otherwise we say what is missing.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)
command -v certutil >/dev/null 2>&1 || missing+=(libnss3-tools)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
command -v xdotool >/dev/null 2>&1 || missing+=(xdotool)
command -v haproxy >/dev/null 2>&1 || [[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)  # tests/test_proxy_sticky.py: deploy/haproxy.cfg for real
for lib in libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libegl1 libgl1 \
           libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1; do
  dpkg -s "$lib" >/dev/null 2>&1 || missing+=("$lib")
done
((${#missing[@]} == 0)) && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} with apt-get ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Not installed: ${missing[*]} (the real-browser test will be skipped). Install them with your package manager." >&2
fi
