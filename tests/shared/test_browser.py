"""The interactive replay in a real browser (headless Chromium through Selenium): the leaderboard at moments set
through the address, the slider and the keyboard equals `Replay.standings`, row by row; a checkpoint click shows
its quote; no request leaves the page; the console stays clean. `make screenshots` saves docs/replay-1366.png and
docs/replay-390.png."""

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")

try:
    import selenium  # noqa: F401
    HAVE_SELENIUM = True
except ImportError:
    HAVE_SELENIUM = False

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists() and HAVE_SELENIUM),
                       reason="needs /usr/bin/chromium, /usr/bin/chromedriver (apt-get install chromium "
                              "chromium-driver) and selenium"),
]


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="race-replay-chromium-")
    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1366,768"):
        options.add_argument(flag)
    options.binary_location = str(CHROMIUM)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def le_mans_page(replay, tmp_path_factory) -> Path:
    from helpers.pages import page_of

    path = tmp_path_factory.mktemp("html") / "r.html"
    path.write_bytes(page_of(replay))
    return path


def _open(driver, path: Path, t=None, width=1366, height=768):
    # the viewport itself (a headless window is no taller than its virtual screen)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.get("about:blank")  # a fresh load, not a hash change
    driver.get(path.as_uri() + ("" if t is None else f"#t={t:g}"))
    _wait(driver, "return document.body.dataset.ready === '1'")


def _wait(driver, script: str, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if driver.execute_script(script):
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {script}")


def _rows(driver) -> list[tuple[str, int, str, str]]:
    return [tuple(r) for r in driver.execute_script(
        "return Array.from(document.querySelectorAll('#leaderboard tbody tr'))"
        ".map(r => [r.dataset.car, +r.dataset.laps, r.dataset.standing, r.dataset.status])")]


def _assert_board(driver, replay, t: float):
    _wait(driver, f"return document.body.dataset.t === String({t!r})")
    expected = replay.standings(seconds=t)
    rows = _rows(driver)
    assert [r[0] for r in rows] == list(expected.car), f"order at t={t}"
    assert [r[1] for r in rows] == list(expected.laps), f"laps at t={t}"
    assert [r[2] for r in rows] == list(expected.status), f"status at t={t}"


def _set_slider(driver, t: float):
    driver.execute_script("const s = document.getElementById('slider'); s.value = arguments[0];"
                          "s.dispatchEvent(new Event('input', {bubbles: true}));", t)


def test_the_address_sets_the_moment(browser, replay, le_mans_page):
    for t in (18000, 0, 1, 43200, 86400):
        _open(browser, le_mans_page, t)
        _assert_board(browser, replay, float(t))
    browser.execute_script("location.hash = '#t=30000'")  # a hash change on the open page
    _assert_board(browser, replay, 30000.0)


def test_the_slider_sets_the_moment(browser, replay, le_mans_page):
    _open(browser, le_mans_page, 0)
    table = replay.table
    leader = replay.standings(seconds=36000).car.iloc[0]
    # a crossing, a second before
    exact = [float(table.crossings[leader][100]), float(table.crossings[leader][100]) - 1]
    ends = sorted(t for t, kind in table.end.values() if t < replay.facts.duration_s)
    moments = [3600 * h + 17 for h in range(24)] + [round(t) for t in ends[:12]] + [round(t) + 1 for t in ends[:12]]
    for t in [*exact, *moments]:
        t = float(int(t))  # the slider steps in whole seconds
        _set_slider(browser, t)
        _assert_board(browser, replay, t)


def test_arrow_keys_step_one_lap_of_the_leader(browser, replay, le_mans_page):
    from selenium.webdriver.common.keys import Keys

    _open(browser, le_mans_page, 18000)
    leader = replay.standings(seconds=18000).car.iloc[0]
    crossings = replay.table.crossings[leader]
    following = float(crossings[crossings > 18000][0])
    body = browser.find_element("tag name", "body")
    body.send_keys(Keys.ARROW_RIGHT)
    _assert_board(browser, replay, following)
    body.send_keys(Keys.ARROW_LEFT)
    _assert_board(browser, replay, float(crossings[crossings < following][-1]))
    body.send_keys(Keys.SPACE)
    _wait(browser, "return document.body.dataset.playing === '1'")
    time.sleep(0.3)
    body.send_keys(Keys.SPACE)
    _wait(browser, "return document.body.dataset.playing === '0'")
    assert float(browser.execute_script("return document.body.dataset.t")) > float(crossings[crossings < following][-1])


def test_a_checkpoint_click_shows_its_quote(browser, replay, le_mans_page):
    _open(browser, le_mans_page, 18000)
    checks = replay.checkpoints()
    buttons = browser.find_elements("css selector", "#checkpoints button.checkpoint")
    assert len(buttons) == len(checks)
    for index in (0, len(checks) // 2, len(checks) - 1):
        buttons[index].click()
        detail = browser.find_element("id", "checkpoint-detail")
        assert detail.get_attribute("data-id") == checks.id.iloc[index]
        assert " ".join(checks.quote.iloc[index].split()) in " ".join(detail.text.split())
        assert checks.status.iloc[index] in detail.text


def test_a_class_filter_and_a_highlighted_car(browser, replay, le_mans_page):
    from selenium.webdriver.support.ui import Select

    _open(browser, le_mans_page, 18000)
    Select(browser.find_element("id", "class-filter")).select_by_value("S2.0")
    expected = replay.standings(seconds=18000)
    assert [r[0] for r in _rows(browser)] == list(expected[expected["class"] == "S2.0"].car)
    Select(browser.find_element("id", "class-filter")).select_by_value("")
    browser.find_element("css selector", '#leaderboard tbody tr[data-car="20"]').click()
    assert browser.execute_script("return document.body.dataset.highlight") == "20"
    assert (browser.find_element("css selector", '#leaderboard tbody tr[data-car="20"]').get_attribute("class")
            == "highlight")


def test_no_request_leaves_the_page_and_the_console_is_clean(browser, le_mans_page):
    browser.get_log("browser")  # drop what earlier pages logged
    _open(browser, le_mans_page, 18000)
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert not [name for name in resources if name.startswith(("http:", "https:", "ws:", "wss:"))]
    assert browser.execute_script("return !!window.Plotly && document.querySelectorAll('#chart .trace').length > 50")
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    assert not errors


@pytest.fixture(scope="module")
def mille_miglia(tmp_path_factory):
    from helpers.pages import page_of

    import sim

    mm = sim.replay("mille-miglia-1957")
    path = tmp_path_factory.mktemp("html") / "mm.html"
    path.write_bytes(page_of(mm))
    return mm, path


def test_the_mille_miglia_page_ranks_by_elapsed_time_at_the_last_control(browser, mille_miglia):
    """Regression (issue 20): the board ranked by controls passed, so a small car that started five hours earlier
    led the race for hours. It ranks as `Replay.standings` does by "elapsed": against the eventual winner's time at
    the last control each car passed."""
    mm, path = mille_miglia
    for t in (3600.0, 20000.0, mm.moment("11:00"), 60000.0, mm.facts.duration_s):
        _open(browser, path, t)
        _assert_board(browser, mm, t)
    _open(browser, path, mm.moment("11:00"))
    assert _rows(browser)[0][0] == "531" and mm.standings(at="11:00").car.iloc[0] == "531"  # at Roma, not a GT1.3


def test_the_mille_miglia_page_has_the_road_order_as_a_second_view(browser, mille_miglia):
    from selenium.webdriver.support.ui import Select

    from sim.timetrial.standings import road_order

    mm, path = mille_miglia
    for t in (20000.0, mm.moment("11:00"), 60000.0):
        _open(browser, path, t)
        Select(browser.find_element("id", "order")).select_by_value("road")
        expected = road_order(mm, t)  # the cars started, by km on the route; those not started follow
        assert [r[0] for r in _rows(browser)][: len(expected)] == list(expected.car), f"road order at t={t}"


def test_passing_a_control_is_an_event_and_the_chart_draws_the_leaders_gaps(browser, mille_miglia):
    mm, path = mille_miglia
    roma = float(mm.table.crossings["531"][3])
    _open(browser, path, roma)
    _wait(browser, "return document.body.dataset.chart === 'gaps'")
    last = browser.find_element("css selector", '#leaderboard tbody tr[data-car="531"] td.last').text
    assert last.endswith("passes Roma (874 km), 5:17:43 elapsed, 1st")
    ticker = browser.find_element("id", "ticker").text
    assert "car 531 passes Roma (874 km), 5:17:43 elapsed, 1st" in ticker
    shown = browser.execute_script("const c = document.getElementById('chart');"
                                   "return c.data.filter(d => d.visible === true && d.meta !== 'now').map(d => d.meta)")
    assert "535" in shown and "531" in shown and 5 <= len(shown) <= 12  # the front runners, not 84 lines
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    assert not errors


def test_screenshots_of_the_mille_miglia_at_eleven(browser, mille_miglia, tmp_path):
    """The page at 11:00 on the Sunday, the leaders between Roma and Firenze (`make screenshots` keeps it in docs/)."""
    mm, path = mille_miglia
    folder = Path(os.environ.get("RACE_REPLAY_SCREENSHOTS") or tmp_path)
    _open(browser, path, mm.moment("11:00"))
    _wait(browser, "return document.body.dataset.chart === 'gaps'")
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "replay-mille-miglia-1366.png"
    browser.save_screenshot(str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_screenshots_at_nine_pm(browser, replay, le_mans_page, tmp_path):
    """The page at 9 pm on a laptop and a phone. The shots go to a temporary folder, so the suite leaves the
    checkout as it found it; `make screenshots` writes them into docs/ (RACE_REPLAY_SCREENSHOTS=docs)."""
    folder = Path(os.environ.get("RACE_REPLAY_SCREENSHOTS") or tmp_path)
    t = replay.moment("21:00")
    for width, height in ((1366, 768), (390, 1200)):  # the phone's shot: the leaderboard and the chart below it
        _open(browser, le_mans_page, t, width, height)
        assert browser.find_element("id", "leaderboard").is_displayed()
        assert browser.find_element("id", "chart").is_displayed()
        folder.mkdir(parents=True, exist_ok=True)
        shot = folder / f"replay-{width}.png"
        browser.save_screenshot(str(shot))
        assert shot.read_bytes().startswith(b"\x89PNG")


def test_the_chart_hovers_a_car_and_a_marker_click_shows_its_quote(browser, replay, le_mans_page):
    _open(browser, le_mans_page, 18000)
    car = replay.table.cars[0]
    text = browser.execute_script(
        "const c = document.getElementById('chart'); Plotly.Fx.hover(c, [{curveNumber: 0, pointNumber: 150}]);"
        "const h = c.querySelector('.hoverlayer'); return h ? h.textContent : '';")
    assert f"car {car}" in text and replay.table.drivers[car].split(" / ")[0] in text and "laps" in text
    checks = replay.checkpoints()
    browser.execute_script("document.getElementById('chart').emit('plotly_click',"
                           "{points: [{data: {meta: 'checkpoints'}, customdata: 5}]})")
    detail = browser.find_element("id", "checkpoint-detail")
    assert detail.get_attribute("data-id") == checks.id.iloc[5]
    browser.execute_script("document.getElementById('chart').emit('plotly_click',"
                           "{points: [{data: {meta: arguments[0]}, customdata: 0}]})", car)
    assert browser.execute_script("return document.body.dataset.highlight") == car
