"""Take the README's screenshot of the site: an article in the evidence reader with one
row's card open on hover (``docs/site-screenshot.png``).

It builds the site of the package (the checkout by default) into a temporary folder, opens
the article from ``file://`` in the same headless Chromium as the browser tests (Debian's
``chromium`` and ``chromedriver`` through Selenium: ``tests/helpers.chromium``, nothing
downloaded), moves the pointer onto the highlight of ``--row`` and saves the window.
Look at the picture before you commit it.

Usage: python scripts/site_screenshot.py [--package DIR] [--out PNG] [--article ID]
                                         [--row ID] [--size 1000x617]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE, ROW = "azerbaijan-independence", "arms-001"


def size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT (1000x617)") from None
    if not (200 <= width <= 4000 and 200 <= height <= 4000):
        raise argparse.ArgumentTypeError(f"{text}: each side between 200 and 4000 pixels")
    return width, height


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", default=str(ROOT), help="package directory (the checkout)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "site-screenshot.png"))
    parser.add_argument("--article", default=ARTICLE, help="the article's source_id")
    parser.add_argument("--row", default=ROW, help="the row whose card is shown")
    parser.add_argument("--size", type=size, default=(1000, 617), help="window, WIDTHxHEIGHT")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT / "tests"))
    from helpers import CHROMEDRIVER, CHROMIUM, chromium  # the browser tests' own launcher

    import bdigest_data as bd

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        print(f"site_screenshot: needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install "
              "chromium chromium-driver)", file=sys.stderr)
        return 2
    from selenium.common.exceptions import NoSuchElementException
    from selenium.webdriver import ActionChains
    from selenium.webdriver.common.by import By

    with tempfile.TemporaryDirectory(prefix="bdigest-screenshot-") as tmp:
        site = bd.site(Path(tmp) / "site", path=args.package)
        page = site / "articles" / f"{args.article}.html"
        if not page.is_file():
            print(f"site_screenshot: no article {args.article!r} in the site", file=sys.stderr)
            return 2
        driver = chromium(Path(tmp) / "profile", args.size)
        try:
            driver.get(page.as_uri())
            # the window's frame is not in the picture: grow the window by it
            frame = driver.execute_script("return [window.outerWidth - window.innerWidth, "
                                          "window.outerHeight - window.innerHeight];")
            driver.set_window_size(args.size[0] + frame[0], args.size[1] + frame[1])
            try:
                mark = driver.find_element(By.CSS_SELECTOR, f"mark[data-rows~='{args.row}']")
            except NoSuchElementException:
                print(f"site_screenshot: no highlight of row {args.row!r} in {args.article!r}",
                      file=sys.stderr)
                return 2
            # the highlight a third of the way down, room for its card below it
            driver.execute_script("arguments[0].scrollIntoView({block: 'start'});"
                                  "window.scrollBy(0, -window.innerHeight / 3);", mark)
            ActionChains(driver).move_to_element(mark).perform()
            if not driver.find_element(By.ID, "pop").is_displayed():
                print(f"site_screenshot: row {args.row!r}'s card did not open on hover",
                      file=sys.stderr)
                return 2
            if not driver.save_screenshot(args.out):
                print(f"site_screenshot: could not write {args.out}", file=sys.stderr)
                return 2
        finally:
            driver.quit()
    print(f"{args.out}: {args.article} with row {args.row}'s card, {args.size[0]}x"
          f"{args.size[1]} px, site {bd.__version__}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
