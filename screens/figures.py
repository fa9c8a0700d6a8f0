"""A site's hand-off figures for its admins: the last months in words, a chart (a photo
drawn with matplotlib, labelled in the admin's language) and a CSV file."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no screen: drawn into memory
from matplotlib.figure import Figure

from core.handoff_figures import Month, csv_data
from core.i18n import N_, Translator
from core.intents import FiguresFile, SendFigures, StaffHome
from core.screens import Button, Document, Screen, column
from services.handoff_figures import SiteFigures

SHOWN_MONTHS = 3  # in words; the chart and the file have the year


def page(t: Translator, figures: SiteFigures, site_id: int) -> Screen:
    """The last months in words, and the chart and the file a tap away."""
    lines = [t._("📊 <b>Demandes d'aide : {site}</b>", site=figures.site)]
    if not figures.months:
        lines.append(t._("Aucune demande cette année."))
    for month in figures.months[-SHOWN_MONTHS:]:
        lines.append(_month_line(t, month))
    buttons = [
        Button(t.label("📈 Le graphique"), SendFigures(site_id, FiguresFile.CHART)),
        Button(t.label("📄 Le fichier CSV"), SendFigures(site_id, FiguresFile.CSV)),
        Button(t.label("⬅️ Mon espace"), StaffHome()),
    ]
    return Screen("\n".join(lines), column(*buttons))


def _month_line(t: Translator, month: Month) -> str:
    claim = t.span(month.median_claim) if month.median_claim is not None else "—"
    return t.ngettext(
        "{month} : {n} demande, prise en charge en {claim} (médiane), "
        "{late} après le délai promis.",
        "{month} : {n} demandes, prises en charge en {claim} (médiane), "
        "{late} après le délai promis.",
        month.total,
        month=month.month,
        claim=claim,
        late=str(month.late),
    )


def csv_file(t: Translator, figures: SiteFigures) -> Screen:
    data = csv_data(figures.months)
    text = t._("📄 Les chiffres des demandes d'aide, mois par mois (sans aucun nom).")
    return Screen(text, document=Document("demandes-aide.csv", data))


def chart(t: Translator, figures: SiteFigures) -> Screen:
    """Requests per month (bars) and the median time to claim, in minutes (line)."""
    image = draw(t, figures.months)
    text = t._("📈 Demandes d'aide par mois, et temps médian avant la prise en charge.")
    return Screen(text, document=Document("demandes-aide.png", image, photo=True))


def draw(t: Translator, months: Sequence[Month]) -> bytes:
    """The chart, labelled in the viewer's language; right-to-left scripts are drawn
    with the French labels, since matplotlib lays out neither Arabic joining nor
    right-to-left text (the caption above the image is in their language)."""
    said = (lambda text: text) if t.language.right_to_left else t._
    figure = Figure(figsize=(7, 4), dpi=100)
    bars = figure.subplots()
    labels = [month.month for month in months]
    bars.bar(labels, [month.total for month in months], color="#4C78A8")
    bars.set_ylabel(said(N_("Demandes")))
    bars.set_title(said(N_("Demandes d'aide par mois")))
    minutes = figure.axes[0].twinx()
    claims = [
        (m.median_claim.total_seconds() / 60) if m.median_claim is not None else float("nan")
        for m in months
    ]
    minutes.plot(labels, claims, color="#F58518", marker="o")
    minutes.set_ylabel(said(N_("Minutes avant la prise en charge (médiane)")))
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
