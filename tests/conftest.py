"""Settings every test shares."""
import os

# Test files are written whole before a run starts: no need to wait for them to settle (the test of
# files in flight sets its own interval).
os.environ.setdefault("PBK_SETTLE_SECONDS", "0")
