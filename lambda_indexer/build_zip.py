"""Builds the Lambda deployment package: `python -m lambda_indexer.build_zip [OUTPUT]`."""

import sys
import zipfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# The function needs only these; boto3 comes with the Lambda runtime.
FILES = ("__init__.py", "handler.py")
# Fixed timestamp and permissions so the same sources always give the same bytes.
EPOCH = (1980, 1, 1, 0, 0, 0)
MODE = 0o100644 << 16


def build(output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in FILES:
            info = zipfile.ZipInfo(f"{PACKAGE.name}/{name}", date_time=EPOCH)
            info.external_attr = MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (PACKAGE / name).read_bytes(), compresslevel=9)
    return output


if __name__ == "__main__":
    print(build(Path(sys.argv[1] if len(sys.argv) > 1 else "dist/lambda_indexer.zip")))
