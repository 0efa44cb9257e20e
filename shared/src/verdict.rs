//! From findings to a verdict. PHI is a person's identifier together with
//! health information, or a medical identifier (MRN, health-plan id, MBI) on
//! its own. A phone number or a name in business mail is not PHI; a condition
//! named in a newsletter is not PHI. The score is a confidence that the
//! message ties an identifiable person to their health.

use serde::{Deserialize, Serialize};

use crate::category::{Category, Part};
use crate::detect::Cues;
use crate::finding::{Finding, Reason};

/// The message-level judgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing that ties a person to health information.
    Clean,
    /// Something that might: worth a look.
    Possible,
    /// Protected health information.
    Phi,
}

impl Verdict {
    /// The contract name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Clean => "clean",
            Verdict::Possible => "possible",
            Verdict::Phi => "phi",
        }
    }
}

/// How much a patient identifier of this kind says about who the person is.
fn identifying_weight(f: &Finding) -> f32 {
    use Category::*;
    match f.category {
        Ssn | Mrn | HealthPlanId | Mbi => 1.0,
        Name => 0.9,
        Date => match f.reason {
            Reason::DateOfBirth | Reason::DateNextToName | Reason::DateOfDeath => 1.0,
            Reason::DateOfAdmission | Reason::DateOfDischarge | Reason::DateOfService => 0.8,
            _ => 0.55,
        },
        Age | Address => 0.85,
        CreditCard | License | Vehicle | Account => 0.75,
        Phone | Email | Fax => 0.6,
        Device | OtherId => 0.6,
        Zip => 0.4,
        Url | Ip => 0.35,
        Dea | Npi => 0.0,
        Condition | Medication | Procedure | Icd10 | Cpt | Lab => 0.0,
    }
}

/// How clearly a health finding is about someone's care.
fn health_weight(f: &Finding) -> f32 {
    match f.category {
        Category::Icd10 | Category::Cpt => 1.0,
        Category::Medication | Category::Lab
            if matches!(f.reason, Reason::MedicationDose | Reason::LabValue) =>
        {
            1.0
        }
        _ => 0.9,
    }
}

/// Findings closer than this (bytes, same part) are linked.
const LINK_WINDOW: usize = 400;

/// Everything the verdict is computed from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Inputs<'a> {
    pub findings: &'a [Finding],
    pub cues: Cues,
}

/// The verdict, its score, and the finding pair that decided it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scored {
    pub verdict: Verdict,
    pub score: f32,
}

/// Scores findings against the thresholds.
pub(crate) fn score(inp: Inputs, possible: f32, phi: f32, subject_only: bool) -> Scored {
    let fs = inp.findings;
    // A medical identifier is PHI on its own.
    let strong = fs
        .iter()
        .filter(|f| f.category.is_strong_medical_id())
        .map(|f| f.confidence)
        .fold(0.0, f32::max);
    // Clinical context: words about a patient, codes, provider ids.
    let clinical_findings = fs.iter().any(|f| {
        matches!(
            f.category,
            Category::Icd10 | Category::Cpt | Category::Dea | Category::Npi
        )
    }) || fs.iter().any(|f| {
        matches!(
            f.reason,
            Reason::MedicationDose | Reason::LabValue | Reason::DateOfBirth
        )
    });
    let context = if subject_only || inp.cues.patient > 0 || clinical_findings {
        1.0
    } else if inp.cues.clinical + inp.cues.relative >= 2 {
        0.8
    } else if inp.cues.clinical + inp.cues.relative == 1 {
        0.7
    } else {
        0.6
    };
    let health: Vec<&Finding> = fs.iter().filter(|f| f.category.is_health()).collect();
    let ids: Vec<&Finding> = fs.iter().filter(|f| identifying_weight(f) > 0.0).collect();
    let mut link: f32 = 0.0;
    for i in &ids {
        let wi = identifying_weight(i) * i.confidence;
        if wi * context <= link {
            continue;
        }
        for h in &health {
            let near = subject_only
                || i.part == Part::Subject
                || h.part == Part::Subject
                || i.start.abs_diff(h.start) <= LINK_WINDOW;
            let proximity = if near { 1.0 } else { 0.75 };
            let s = wi * h.confidence * health_weight(h) * proximity * context;
            link = link.max(s);
        }
    }
    // Several kinds of health information plus an identifier say more than one.
    let kinds = {
        let mut k: Vec<Category> = health.iter().map(|f| f.category).collect();
        k.sort();
        k.dedup();
        k.len()
    };
    if link > 0.0 && kinds >= 2 {
        link = (link + 0.1).min(1.0);
    }
    // Health information with no identifier: at most possible.
    let health_only = if health.is_empty() {
        0.0
    } else {
        let best = health
            .iter()
            .map(|h| h.confidence * health_weight(h))
            .fold(0.0, f32::max);
        let clinical = if inp.cues.patient > 0 || clinical_findings {
            1.0
        } else {
            0.0
        };
        (best * 0.45 * clinical)
            .min(possible.max(0.01) + 0.05)
            .min(phi - 0.01)
    };
    let score = strong.max(link).max(health_only).clamp(0.0, 1.0);
    let verdict = if score >= phi {
        Verdict::Phi
    } else if score >= possible {
        Verdict::Possible
    } else {
        Verdict::Clean
    };
    Scored { verdict, score }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(category: Category, start: usize, confidence: f32, reason: Reason) -> Finding {
        Finding {
            part: Part::Body,
            category,
            start,
            end: start + 5,
            confidence,
            reason,
        }
    }

    #[test]
    fn strong_identifier_alone_is_phi() {
        let fs = [f(Category::Mrn, 0, 0.92, Reason::Labelled)];
        assert_eq!(
            score(
                Inputs {
                    findings: &fs,
                    cues: Cues::default()
                },
                0.3,
                0.5,
                false
            )
            .verdict,
            Verdict::Phi
        );
    }

    #[test]
    fn name_and_phone_alone_are_clean() {
        let fs = [
            f(Category::Name, 0, 0.8, Reason::NamePair),
            f(Category::Phone, 20, 0.85, Reason::Phone),
        ];
        assert_eq!(
            score(
                Inputs {
                    findings: &fs,
                    cues: Cues::default()
                },
                0.3,
                0.5,
                false
            )
            .verdict,
            Verdict::Clean
        );
    }

    #[test]
    fn name_with_condition_and_patient_cue_is_phi() {
        let fs = [
            f(Category::Name, 0, 0.8, Reason::NamePair),
            f(Category::Condition, 40, 0.8, Reason::Condition),
        ];
        let cues = Cues {
            patient: 1,
            ..Cues::default()
        };
        assert_eq!(
            score(
                Inputs {
                    findings: &fs,
                    cues
                },
                0.3,
                0.5,
                false
            )
            .verdict,
            Verdict::Phi
        );
        // Without any clinical wording it is only possible.
        assert_eq!(
            score(
                Inputs {
                    findings: &fs,
                    cues: Cues::default()
                },
                0.3,
                0.5,
                false
            )
            .verdict,
            Verdict::Possible
        );
    }

    #[test]
    fn condition_alone_is_not_phi() {
        let fs = [f(Category::Condition, 0, 0.8, Reason::Condition)];
        let cues = Cues {
            patient: 2,
            ..Cues::default()
        };
        assert_ne!(
            score(
                Inputs {
                    findings: &fs,
                    cues
                },
                0.3,
                0.5,
                false
            )
            .verdict,
            Verdict::Phi
        );
    }
}
