"""A whole front-desk day in a real headless Chromium at 1366x768 (issue 15, acceptance point 8).

A receptionist signs in with an SMS code and, through the real pages only, books a new caller,
adds a walk-in on a full day, checks a patient in, sets the doctor's delay, collects a payment and
prints its receipt, cancels a paid visit and processes its refund, then closes the day; the day
close, its CSV and `GET /api/reports/day` agree with what was done. The clinic itself (doctors,
their weeks, the morning's bookings) is set up through the factories, before the browser starts.

The clock is fixed at 10:05 on MONDAY (time-machine, ticking): the live server runs in this
process, so its "today" is MONDAY too. Each step leaves a screenshot in bench/results/frontdesk/
(day-NN-<step>.png, not committed) and asserts the page does not scroll sideways.
"""

import csv
import datetime as dt
import io
import json
import re
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from accounts.tokens import tokens_for
from appointments.models import AppointmentStatus as S
from appointments.tests.browser import BROWSER_TEST, SHOTS, TIMEOUT_MS, chromium
from appointments.tests.factories import MONDAY, AppointmentFactory, DoctorFactory, clinic_dt
from arthomed import sms

pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed")

pytestmark = BROWSER_TEST

FEE = Decimal("800.00")
NEW_CALLER = {"name": "Meera Joshi", "mobile": "9812345670", "age": "34", "gender": "female"}
DISPLAY_KEY = "waiting-room-tv-key"


@pytest.fixture
def clock():
    """10:05 on MONDAY, ticking: made before the clinic, so every row and token shares the day."""
    with time_machine.travel(clinic_dt(MONDAY, 10, 5), tick=True):
        yield


@pytest.fixture
def clinic(clock, make_user, settings):
    """Dr Arjun Mehta (09:00-13:00) with the morning's bookings; Dr Kavya Iyer (09:00-11:00) fully booked;
    the waiting-room TV's key."""
    settings.DISPLAY_KEY = DISPLAY_KEY
    mehta = DoctorFactory(name="Dr Arjun Mehta", specialization="Arthroscopy", fee=FEE, schedule=["monday 09:00-13:00"])
    iyer = DoctorFactory(
        name="Dr Kavya Iyer", specialization="Sports Medicine", fee=FEE, schedule=["monday 09:00-11:00"]
    )
    people = {}
    mobile = 9876500200
    for doctor, hhmm, name, status in [
        (mehta, (9, 0), "Karan Malhotra", S.COMPLETED),
        (mehta, (10, 30), "Asha Rao", S.CONFIRMED),  # checked in, then pays by UPI
        (mehta, (11, 0), "Vikram Singh Rathore", S.CONFIRMED),  # told of the delay
        (mehta, (12, 30), "Rahul Sharma", S.CONFIRMED),  # pays cash, then cancels: 50 % refund
        (iyer, (9, 0), "Priya Menon", S.COMPLETED),
        (iyer, (9, 30), "Lakshmi Venkataraman", S.COMPLETED),
        (iyer, (10, 0), "Mohammed Abdul Rahman", S.CONFIRMED),
        (iyer, (10, 30), "Anil Kumar", S.CONFIRMED),
    ]:
        mobile += 1
        patient = make_user(
            name=name, mobile_number=str(mobile), profile={"date_of_birth": dt.date(1980, 5, 1), "gender": "male"}
        )
        AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(MONDAY, *hhmm), status=status, fee=FEE)
        people[name] = patient
    # The walk-in: a known patient, with nothing booked today.
    people["Sneha Kulkarni"] = make_user(
        name="Sneha Kulkarni",
        mobile_number="9876500299",
        profile={"date_of_birth": dt.date(1995, 1, 9), "gender": "female"},
    )
    return {"mehta": mehta, "iyer": iyer, "people": people}


@pytest.fixture
def desk(clock, receptionist):
    """The receptionist and an API token (made before the browser: no query while Playwright runs)."""
    return {"user": receptionist, "token": tokens_for(receptionist)["accessToken"]}


@pytest.fixture
def page(live_server):
    with chromium() as browser:
        context = browser.new_context(
            viewport={"width": 1366, "height": 768},
            locale="en-IN",  # the clinic's (a native date field still follows Chromium's own language)
            timezone_id="Asia/Kolkata",
            accept_downloads=True,
        )
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        yield page


def overflowing(page) -> list[str]:
    """Boxes wider than their room: the page itself, a change list's scroller, or a panel (a board column)."""
    return page.evaluate(
        "[document.documentElement, ...document.querySelectorAll('.results, .module, .fd-money, .fd-receipt')]"
        ".filter(box => box.scrollWidth > box.clientWidth + 1)"
        ".map(box => box.tagName + '#' + box.id + '.' + box.className)"
    )


def step(page, number: int, name: str) -> None:
    """Screenshot the page (1366 wide, whole length) and check it does not scroll sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"day-{number:02d}-{name}.png"), full_page=True)
    assert not overflowing(page), f"step {number} ({name}) scrolls sideways: {overflowing(page)}"


def texts_to(mobile: str) -> list[str]:
    return [message.body for message in sms.outbox if message.to.endswith(mobile)]


def back_to_the_board(page) -> None:
    """The breadcrumb every front-desk page has: Home > Today > (the page)."""
    page.click(".breadcrumbs a:text-is('Today')")
    page.wait_for_selector("#fd-board .fd-head")


def row(page, name: str):
    return page.locator("#fd-board tr.fd-row", has_text=name)


def success(page) -> str:
    page.wait_for_selector(".messagelist .success")
    return page.inner_text(".messagelist")


def download(page, link) -> bytes:
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def api_day_report(url: str, token: str) -> dict:
    request = urllib.request.Request(
        f"{url}/api/reports/day?date={MONDAY:%Y-%m-%d}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["data"]


def test_a_front_desk_day(live_server, clinic, desk, page):
    base = live_server.url
    receptionist = desk["user"]
    half = FEE / 2

    # 1. Sign in with the SMS code; the board is where the desk lands.
    page.goto(f"{base}/admin/login/?next=/admin/frontdesk/today/")
    page.fill("#id_mobile_number", receptionist.mobile_number)
    page.click("button[value=send]")
    page.wait_for_selector("#id_otp")
    code = re.search(r"\b(\d{6})\b", texts_to(receptionist.mobile_number)[-1]).group(1)
    page.fill("#id_otp", code)
    page.click("button[value=sign-in]")
    page.wait_for_url(re.compile(r"/admin/frontdesk/today/"))
    page.wait_for_selector(f"#doctor-{clinic['mehta'].pk}")
    assert "Today · Mon 02 Mar 2026" in page.inner_text(".fd-head")
    step(page, 1, "today")

    # 2. A phone call from a new patient: register, then Dr Mehta, today, the 12:00 slot.
    page.click(".fd-head a.fd-button:text-is('+ Book')")
    page.wait_for_url(re.compile(r"/admin/frontdesk/book/"))
    page.fill("#id_register-name", NEW_CALLER["name"])
    page.fill("#id_register-mobile_number", NEW_CALLER["mobile"])
    page.fill("#id_register-age", NEW_CALLER["age"])
    page.select_option("#id_register-gender", NEW_CALLER["gender"])
    page.click("button:text-is('Register')")
    assert f"{NEW_CALLER['name']} registered." in success(page)
    page.select_option("select[name=doctor]", label="Dr Arjun Mehta · Arthroscopy")
    page.fill("input[name=date]", f"{MONDAY:%Y-%m-%d}")
    page.click("input[value='Show free slots']")
    page.wait_for_selector("#fd-slots input[value='12:00']")
    slots = page.locator("#fd-slots input").evaluate_all("inputs => inputs.map(i => i.value)")
    assert "11:00" not in slots and "12:30" not in slots and "12:00" in slots  # booked ones are not offered
    page.check("#fd-slots input[value='12:00']")
    step(page, 2, "book")
    page.click("button:text-is('Book (confirmed)')")
    assert f"Booked for {NEW_CALLER['name']}: 2026-03-02 12:00" in success(page)
    new_row = row(page, NEW_CALLER["name"])
    assert "Confirmed" in new_row.inner_text()
    assert any("confirmed" in body and "12:00" in body for body in texts_to(NEW_CALLER["mobile"]))
    step(page, 3, "booked")

    # 3. A walk-in for Dr Iyer, whose day is full: an extra place, checked in with a token.
    page.click(".fd-head a.fd-button:text-is('+ Walk-in')")
    page.wait_for_url(re.compile(r"/admin/frontdesk/walk-in/"))
    page.fill("input[name=q]", "Sneha")
    page.click("input[value=Search]")
    page.click("#fd-matches a.fd-button:text-is('Choose')")
    page.wait_for_selector("select[name=book-doctor]")
    page.select_option("select[name=book-doctor]", label="Dr Kavya Iyer · Sports Medicine")
    step(page, 4, "walk-in")
    page.click("button:text-is('Add walk-in')")
    message = success(page)
    assert "Walk-in added for Sneha Kulkarni" in message and "token 1" in message
    walk_in = page.locator(f"#doctor-{clinic['iyer'].pk} tr.fd-row", has_text="Sneha Kulkarni")
    assert "Walk-in:" in walk_in.inner_text() and "#1" in walk_in.inner_text()
    step(page, 5, "walk-in-on-board")

    # 4. Asha Rao arrives: check her in from the board; her token shows.
    row(page, "Asha Rao").locator("button:text-is('Check in')").click()
    assert "Asha Rao, 10:30: Checked in (token 1)." in success(page)
    asha = row(page, "Asha Rao")
    assert "#1" in asha.inner_text() and "Check in" not in asha.inner_text()
    step(page, 6, "check-in")

    # 5. Dr Mehta runs 20 minutes late: the waiting patients are told by SMS; the board shows it.
    sms.outbox.clear()
    mehta_column = page.locator(f"#doctor-{clinic['mehta'].pk}")
    mehta_column.locator("input[name=minutes]").fill("20")
    mehta_column.locator("input[name=note]").fill("Surgery ran over")
    mehta_column.locator("button:text-is('Set delay')").click()
    assert "Dr Arjun Mehta: Running 20 min late." in success(page)
    assert "running 20 min late" in page.inner_text(f"#doctor-{clinic['mehta'].pk} h2")
    told = {message.to[-10:]: message.body for message in sms.outbox}
    for name in ("Asha Rao", "Vikram Singh Rathore", "Rahul Sharma"):
        assert "running about 20 minutes late" in told[clinic["people"][name].mobile_number]
    assert "expected to start around 11:20" in told[clinic["people"]["Vikram Singh Rathore"].mobile_number]
    assert "running about 20 minutes late" in told[NEW_CALLER["mobile"]]
    step(page, 7, "delay")

    # 6. Asha pays the fee by UPI; the receipt is shown, printed and downloaded as a PDF.
    row(page, "Asha Rao").locator("a.fd-button:text-is('Collect')").click()
    page.wait_for_selector("select[name=method]")
    assert page.input_value("input[name=amount]") == f"{FEE:.2f}"
    page.select_option("select[name=method]", "upi")
    page.fill("input[name=reference]", "UPI-4471-0098")
    step(page, 8, "collect")
    page.click("input[value='Record payment']")
    page.wait_for_url(re.compile(r"/admin/frontdesk/receipt/"))
    receipt_number = "ARTH/2025-26/000001"
    assert f"Payment recorded. Receipt {receipt_number}." in success(page)
    receipt_text = page.inner_text(".fd-receipt")
    assert receipt_number in receipt_text and "Asha Rao" in receipt_text and "Dr Arjun Mehta" in receipt_text
    assert "₹800.00" in receipt_text and "Eight Hundred" in receipt_text
    step(page, 9, "receipt")
    page.emulate_media(media="print")
    step(page, 10, "receipt-print")
    page.emulate_media(media="screen")
    pdf = pypdf.PdfReader(io.BytesIO(download(page, page.locator("a:text-is('Download PDF')"))))
    pdf_text = " ".join((p.extract_text() or "") for p in pdf.pages)
    pdf_flat = re.sub(r"\s+", " ", pdf_text)
    assert receipt_number in pdf_flat
    assert "800.00" in pdf_flat and "Eight Hundred" in pdf_flat
    assert "Asha Rao" in pdf_flat and "Dr Arjun Mehta" in pdf_flat

    # Rahul Sharma pays cash for his 12:30 visit (to be cancelled next).
    back_to_the_board(page)
    row(page, "Rahul Sharma").locator("a.fd-button:text-is('Collect')").click()
    page.wait_for_selector("select[name=method]")
    page.select_option("select[name=method]", "cash")
    page.click("input[value='Record payment']")
    assert "Receipt ARTH/2025-26/000002." in success(page)

    # 7. Rahul cancels (2 h 25 min ahead: half the fee back); a reason is required first.
    back_to_the_board(page)
    row(page, "Rahul Sharma").locator("a.fd-button:text-is('Cancel…')").click()
    page.wait_for_selector("textarea[name=reason]")
    page.click("button:text-is('Cancel the appointment')")  # no reason: the browser refuses to send it
    assert page.locator(".messagelist .success").count() == 0
    assert page.locator("textarea[name=reason]").evaluate("field => field.validity.valueMissing")
    page.locator("textarea[name=reason]").evaluate("field => field.removeAttribute('required')")
    page.click("button:text-is('Cancel the appointment')")  # sent without one: the server asks again
    assert "A reason is required" in page.inner_text(".errornote")
    page.fill("textarea[name=reason]", "Called: cannot come today")
    step(page, 11, "cancel-reason")
    page.click("button:text-is('Cancel the appointment')")
    assert "Rahul Sharma, 12:30: Cancelled: Called: cannot come today." in success(page)
    rahul = row(page, "Rahul Sharma").inner_text()
    assert "Cancelled" in rahul and f"refund ₹{half:.2f} owed" in rahul
    assert page.inner_text("#fd-refunds") == "Refunds owed: 1"
    step(page, 12, "cancelled")
    row(page, "Rahul Sharma").locator("a.fd-refund").click()  # the board links to the refunds owed
    page.wait_for_url(re.compile(r"/admin/frontdesk/refunds/"))
    refund_row = page.locator(".fd-money tbody tr", has_text="Rahul Sharma")
    assert f"₹{half:.2f}" in refund_row.inner_text()
    refund_row.locator("select").select_option("cash")
    refund_row.locator("input[type=text]").fill("CASH-BOX-2")
    refund_row.locator("input[type=checkbox]").check()
    step(page, 13, "refunds")
    refund_row.locator("input[value='Refund processed']").click()
    assert f"Refund of ₹{half:.2f} to Rahul Sharma processed." in success(page)
    assert page.locator(".fd-money tbody tr", has_text="Rahul Sharma").count() == 0
    step(page, 14, "refunds-done")

    # 8. Day close: the page, its CSV and the API say what the day did.
    back_to_the_board(page)
    assert page.inner_text("#fd-refunds") == "Refunds owed: 0"
    page.click("#fd-day-close")
    page.wait_for_selector(".fd-cards")
    cards = re.sub(r"\s+", " ", page.inner_text(".fd-cards"))
    assert "Collected ₹1,600.00" in cards  # two payments of 800, grouped as the clinic writes amounts
    assert f"Refunds (1) ₹{half:.2f}" in cards
    assert "Walk-ins 1" in cards and "Cancellations 1" in cards and "No-shows 0" in cards
    tables = page.locator(".fd-money table")
    by_method = tables.nth(0).inner_text()
    assert re.search(rf"UPI\s+₹{FEE:.2f}", by_method) and re.search(rf"CASH\s+₹{FEE:.2f}", by_method)
    assert re.search(r"CARD\s+₹0\.00", by_method)
    assert re.search(r"Rita Reception\s+2\s+₹1,600\.00", tables.nth(1).inner_text())
    step(page, 15, "day-close")
    rows = list(csv.reader(io.StringIO(download(page, page.locator("a:text-is('Download CSV')")).decode())))
    assert ["date", "2026-03-02", "", ""] in rows
    assert ["collected", "total", f"{2 * FEE:.2f}", ""] in rows
    assert ["method", "upi", f"{FEE:.2f}", ""] in rows and ["method", "cash", f"{FEE:.2f}", ""] in rows
    assert ["staff", "Rita Reception", f"{2 * FEE:.2f}", "2"] in rows
    assert ["refunds", "processed", f"{half:.2f}", "1"] in rows
    assert ["visits", "walk-ins", "", "1"] in rows and ["visits", "cancellations", "", "1"] in rows
    report = api_day_report(base, desk["token"])
    assert Decimal(str(report["collected"])) == 2 * FEE
    assert {k: Decimal(str(v)) for k, v in report["byMethod"].items()} == {
        "cash": FEE,
        "card": 0,
        "upi": FEE,
        "insurance": 0,
    }
    assert [(s["name"], Decimal(str(s["amount"])), s["count"]) for s in report["byStaff"]] == [
        ("Rita Reception", 2 * FEE, 2)
    ]
    assert Decimal(str(report["refunds"]["amount"])) == half and report["refunds"]["count"] == 1
    assert (report["walkIns"], report["cancellations"], report["noShows"]) == (1, 1, 0)

    # The waiting-room TV: tokens and first names, the delay.
    page.goto(f"{base}/display/?key={DISPLAY_KEY}")
    page.wait_for_selector("body")
    display = page.inner_text("body")
    assert "Dr Arjun Mehta" in display and "Asha" in display and "Rao" not in display
    step(page, 16, "display")
