"""Copy the front-end files named in frontend/package.json ("konvergensiAssets") from
node_modules (installed from the npm registry by `npm ci`) into frontend/vendor/, which the app
serves as static files. Both folders are git-ignored: nothing third-party is committed."""

import json
import shutil
import sys
from pathlib import Path

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"


def main() -> int:
    manifest = json.loads((FRONTEND / "package.json").read_text())["konvergensiAssets"]
    vendor = FRONTEND / "vendor"
    if vendor.exists():
        shutil.rmtree(vendor)
    for source, target in manifest.items():
        src = FRONTEND / "node_modules" / source
        dst = vendor / target
        if not src.exists():
            print(f"missing {src}: run `npm ci` in frontend/", file=sys.stderr)
            return 1
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    print(f"vendored {len(manifest)} asset entries into {vendor}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
