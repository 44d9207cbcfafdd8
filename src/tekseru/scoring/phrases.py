"""The words of score explanations in Kazakh, Russian and English (data only; `explain` fills them in).

Kazakh and Russian follow the terms of the act and of DOMAIN.md's glossary; numbers use a decimal comma
in those languages, as official documents do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Language = Literal["kk", "ru", "en"]

PHRASES: Mapping[str, Mapping[str, str]] = {
    "kk": {
        "date_format": "%d.%m.%Y",
        "decimal_separator": ",",
        "headline": "{group}, {as_of} жағдай бойынша: тәуекел балы {score}, тәуекел дәрежесі — {risk_class}.",
        "gross": (
            "Өрескел бұзушылық анықталды, сондықтан тәуекел балы {gross} балға тең "
            "(елеулі және болмашы бөліктер қосылмайды)."
        ),
        "formula": "Есептеу: {formula}.",
        "no_significant": "Топқа қолданылатын елеулі өлшемшарттар жоқ, сондықтан SPs = 0.",
        "no_minor": "Топқа қолданылатын болмашы өлшемшарттар жоқ, сондықтан SPm = 0.",
        "normalised": "Біртекті топ ішінде нормалау: {formula}.",
        "counted_heading": "Ескерілген өлшемшарттар:",
        "counted": "— {criterion}-өлшемшарт ({severity}): {text} (дәлелдер: {evidence}).",
        "none_counted": "Бірде-бір өлшемшарт ескерілмеді.",
        "ignored_heading": "Ескерілмеген дәлелдер:",
        "ignored": "— №{evidence} дәлел ({criterion}-өлшемшарт): {reason}.",
        "none_ignored": "Ескерілмеген дәлелдер жоқ.",
        "no_text": "мәтіні жоқ",
        "low": "төмен",
        "medium": "орташа",
        "high": "жоғары",
        "gross_severity": "өрескел",
        "significant_severity": "елеулі",
        "minor_severity": "болмашы",
        "after_as_of": "бағалау күнінен кейін анықталған",
        "outside_period": "бағаланатын кезең басталғанға дейін анықталған (ескіру мерзімі өткен)",
        "already_used": "осы субъектіге бару кезінде бұрын есепке алынып, пайдаланылған",
        "not_applicable_to_group": "өлшемшарт осы бақылау субъектілерінің тобына қолданылмайды",
        "unconfirmed_complaint": "шағым расталмаған",
        "below_complaint_threshold": (
            "осы өлшемшарт бойынша расталған шағымдар саны шектен аз (кемінде {threshold} қажет)"
        ),
    },
    "ru": {
        "date_format": "%d.%m.%Y",
        "decimal_separator": ",",
        "headline": "{group}, на {as_of}: балл риска {score}, степень риска — {risk_class}.",
        "gross": (
            "Выявлено грубое нарушение, поэтому балл риска равен {gross} "
            "(значительная и незначительная части не суммируются)."
        ),
        "formula": "Расчёт: {formula}.",
        "no_significant": "К группе не применяется ни один значительный критерий, поэтому SPs = 0.",
        "no_minor": "К группе не применяется ни один незначительный критерий, поэтому SPm = 0.",
        "normalised": "Нормализация внутри однородной группы: {formula}.",
        "counted_heading": "Учтённые критерии:",
        "counted": "— критерий {criterion} ({severity}): {text} (доказательства: {evidence}).",
        "none_counted": "Ни один критерий не учтён.",
        "ignored_heading": "Неучтённые доказательства:",
        "ignored": "— доказательство {evidence} (критерий {criterion}): {reason}.",
        "none_ignored": "Неучтённых доказательств нет.",
        "no_text": "текст отсутствует",
        "low": "низкая",
        "medium": "средняя",
        "high": "высокая",
        "gross_severity": "грубое",
        "significant_severity": "значительное",
        "minor_severity": "незначительное",
        "after_as_of": "выявлено после даты оценки",
        "outside_period": "выявлено до начала оцениваемого периода (истёк срок давности)",
        "already_used": "уже учтено и использовано при посещении этого субъекта",
        "not_applicable_to_group": "критерий не применяется к этой группе субъектов контроля",
        "unconfirmed_complaint": "жалоба не подтверждена",
        "below_complaint_threshold": (
            "подтверждённых жалоб по этому критерию меньше порога (нужно не менее {threshold})"
        ),
    },
    "en": {
        "date_format": "%Y-%m-%d",
        "decimal_separator": ".",
        "headline": "{group}, as of {as_of}: risk score {score}, risk class {risk_class}.",
        "gross": (
            "A gross violation was found, so the score is {gross} points "
            "(the significant and minor parts are not added)."
        ),
        "formula": "Calculation: {formula}.",
        "no_significant": "No significant criterion applies to the group, so SPs = 0.",
        "no_minor": "No minor criterion applies to the group, so SPm = 0.",
        "normalised": "Normalised within the homogeneous group: {formula}.",
        "counted_heading": "Criteria counted:",
        "counted": "- criterion {criterion} ({severity}): {text} (evidence {evidence}).",
        "none_counted": "No criterion counted.",
        "ignored_heading": "Evidence not counted:",
        "ignored": "- evidence {evidence} (criterion {criterion}): {reason}.",
        "none_ignored": "All evidence counted.",
        "no_text": "no text available",
        "low": "low",
        "medium": "medium",
        "high": "high",
        "gross_severity": "gross",
        "significant_severity": "significant",
        "minor_severity": "minor",
        "after_as_of": "observed after the assessment date",
        "outside_period": "observed before the assessed period began (past its limitation period)",
        "already_used": "already taken into account and used for a visit to this subject",
        "not_applicable_to_group": "the criterion does not apply to this group of controlled subjects",
        "unconfirmed_complaint": "the complaint is not confirmed",
        "below_complaint_threshold": (
            "fewer confirmed complaints on this criterion than the threshold ({threshold} needed)"
        ),
    },
}
