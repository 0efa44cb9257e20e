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

/// How much an identifier of this kind says about who a patient is.
/// Clinicians' names, senders' sign-offs and plain calendar dates identify
/// somebody, but rarely a patient, so they weigh little.
fn identifying_weight(f: &Finding) -> f32 {
    use Category::*;
    match f.category {
        Ssn | Mrn | HealthPlanId | Mbi => 1.0,
        Name => match f.reason {
            Reason::NameOfProvider => 0.3,
            Reason::NamePlace => 0.1,
            Reason::NameWithRole => 0.35,
            Reason::NameInSignature | Reason::NameInHeader => 0.35,
            Reason::NameInGreeting | Reason::NameInGreetingFirst => 0.85,
            Reason::NameAfterLabel | Reason::NameAfterTitle | Reason::NameSurnameFirst => 0.95,
            _ => 0.9,
        },
        Date => match f.reason {
            Reason::DateOfBirth | Reason::DateNextToName | Reason::DateOfDeath => 1.0,
            Reason::DateOfAdmission | Reason::DateOfDischarge | Reason::DateOfService => 0.8,
            _ => 0.3,
        },
        Age => 0.85,
        Address => match f.reason {
            Reason::CityState => 0.45,
            _ => 0.75,
        },
        CreditCard | License | Vehicle | Account => 0.75,
        Device | OtherId => 0.55,
        Phone | Fax if f.reason == Reason::TollFree => 0.05,
        Url if f.reason == Reason::UrlPlain => 0.1,
        Phone | Email | Fax => 0.5,
        Zip | Url | Ip => 0.3,
        Dea | Npi => 0.0,
        Condition | Medication | Procedure | Icd10 | Cpt | Lab => 0.0,
    }
}

/// Identifiers that belong to a person rather than an organisation.
fn personal(f: &Finding) -> bool {
    matches!(
        f.category,
        Category::Name
            | Category::Ssn
            | Category::Mrn
            | Category::HealthPlanId
            | Category::Mbi
            | Category::Age
            | Category::CreditCard
            | Category::License
    ) || (f.category == Category::Date && identifying_weight(f) >= 0.8)
}

/// Whether a finding identifies a person well enough that, next to health
/// context in a subject line, the subject alone is PHI.
pub(crate) fn identifies_person(f: &Finding) -> bool {
    identifying_weight(f) >= 0.5
}

/// Identifiers that single out one person on their own: with words that make
/// them a patient ("pt", "DOB", "eligibility"), they are PHI even when no
/// diagnosis is named, because being somebody's patient is health information.
fn singles_out(f: &Finding) -> bool {
    matches!(
        f.category,
        Category::Ssn | Category::License | Category::Mrn | Category::HealthPlanId
    ) || f.reason == Reason::DateOfBirth
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

/// Findings closer than this (bytes, same part) are linked closely.
const NEAR: usize = 150;
/// Findings closer than this are still linked, a little less.
const LINK_WINDOW: usize = 400;

/// Everything the verdict is computed from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Inputs<'a> {
    pub findings: &'a [Finding],
    pub cues: Cues,
}

/// The verdict and its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scored {
    pub verdict: Verdict,
    pub score: f32,
}

/// How close two findings are: same sentence, same passage, same message.
/// Without words of care, only a close pair counts fully.
fn proximity(a: &Finding, b: &Finding, subject_only: bool, care: bool) -> f32 {
    if subject_only || a.part == Part::Subject || b.part == Part::Subject {
        return 1.0;
    }
    match (a.start.abs_diff(b.start), care) {
        (d, _) if d <= NEAR => 1.0,
        (d, true) if d <= LINK_WINDOW => 0.9,
        (_, true) => 0.75,
        (d, false) if d <= LINK_WINDOW => 0.8,
        (_, false) => 0.6,
    }
}

/// Scores findings against the thresholds.
pub(crate) fn score(inp: Inputs, possible: f32, phi: f32, subject_only: bool) -> Scored {
    let fs = inp.findings;
    // Window lookups below rely on this order (the scanners produce it).
    debug_assert!(fs.is_sorted_by_key(|f| (f.part != Part::Subject, f.start)));
    // A medical identifier is PHI on its own.
    let strong = fs
        .iter()
        .filter(|f| f.category.is_strong_medical_id())
        .map(|f| f.confidence)
        .fold(0.0, f32::max);
    // Words that make somebody a patient, or codes only care produces.
    // A lab value or a vital sign is a measurement of somebody's body. The
    // writer's own or family's health ("my daughter's surgery") is care too.
    // A visit: a specialty next to an appointment, or a date of service,
    // admission or discharge.
    let visit = fs.iter().any(|f| {
        matches!(
            f.reason,
            Reason::Specialty
                | Reason::DateOfService
                | Reason::DateOfAdmission
                | Reason::DateOfDischarge
        )
    });
    let care = visit
        || inp.cues.patient > 0
        || inp.cues.mine > 0
        || fs.iter().any(|f| {
            matches!(f.category, Category::Icd10 | Category::Cpt)
                || matches!(f.reason, Reason::LabValue | Reason::VitalSign)
        });
    // Bare abbreviations (CAD, ALS, STD) mean something medical only where
    // the message is about care or names other health information.
    let abbrevs_count = care
        || fs
            .iter()
            .any(|f| f.category.is_health() && f.reason != Reason::ConditionAbbrev);
    let health: Vec<&Finding> = fs
        .iter()
        .filter(|f| {
            f.category.is_health() && (abbrevs_count || f.reason != Reason::ConditionAbbrev)
        })
        .collect();
    let cue_context = if subject_only || care {
        1.0
    } else if inp.cues.clinical + inp.cues.relative >= 2 {
        0.8
    } else if inp.cues.clinical + inp.cues.relative == 1 {
        0.7
    } else {
        0.6
    };
    // A message that names several kinds of health information is about
    // health, whatever words surround them. A specialty names none itself.
    let mut named: Vec<Category> = health
        .iter()
        .filter(|f| f.reason != Reason::Specialty)
        .map(|f| f.category)
        .collect();
    let named_count = named.len();
    named.sort();
    named.dedup();
    let kinds = named.len();
    let density_context = match (named_count, kinds) {
        (n, k) if n >= 3 && k >= 2 => 0.85,
        (n, _) if n >= 2 => 0.75,
        _ => 0.0,
    };
    let context = f32::max(cue_context, density_context);
    let ids: Vec<&Finding> = fs.iter().filter(|f| identifying_weight(f) > 0.0).collect();
    // Whoever signs a message about their own or their family's care is
    // the patient or speaks for them: their sign-off names the patient's
    // family, not a clerk. Other sign-offs are the sender's own.
    let signed_by_patient = care && inp.cues.mine > 0;
    // Outside care, addresses, numbers and codes are mostly an
    // organisation's contact details, not a patient's.
    // Nor where nobody in the message is a person of their own: no
    // patient's name, date of birth, age or number, no relative (a
    // clinician, a correspondent, a member of staff or a sender is none).
    let anchored = inp.cues.relative > 0
        || inp.cues.own > 0
        || fs.iter().any(|f| {
            personal(f)
                && !matches!(
                    f.reason,
                    Reason::NameOfProvider | Reason::NameInHeader | Reason::NameWithRole
                )
                && (f.reason != Reason::NameInSignature || signed_by_patient)
        });
    // A first name greeted ("Hi Kelly,") is a colleague's as often as a
    // patient's: the patient's when the message speaks to them of their
    // health ("your A1c", "your appointment").
    let weight = |i: &Finding| match i.reason {
        Reason::NameInSignature if signed_by_patient => 0.85,
        Reason::NameInGreetingFirst if inp.cues.yours == 0 && !visit => 0.5,
        _ => identifying_weight(i),
    };
    let strength = |i: &Finding| {
        let org = if (care && anchored) || personal(i) {
            1.0
        } else {
            0.6
        };
        weight(i) * i.confidence * org
    };
    let mut link: f32 = 0.0;
    // From each health finding: several identifiers close to it (an
    // account number, a street, a ZIP) are several chances that one of them
    // is the patient's.
    // Only where the message is about care and somebody in it is a person of
    // their own: elsewhere a venue's street, city and ZIP are one
    // organisation, not three chances.
    // Near means within LINK_WINDOW in the body, or anywhere when either
    // side is in the subject (see `proximity`). So that long messages dense
    // with findings cost linear time, not the square of their findings, the
    // products over the subject's findings (near everything) and over all
    // findings (near anything in the subject) are taken once, and body
    // windows are looked up by binary search. The factors are multiplied in
    // the findings' order either way.
    let ids_in_subject = ids.partition_point(|f| f.part == Part::Subject);
    // Plain dates (a deadline, an event) are many in any message and each
    // says little: they count one at a time, from the identifier's side
    // below, never as several chances together.
    let fold_ids = |m: f32, xs: &[&Finding]| {
        xs.iter()
            .filter(|i| i.reason != Reason::DatePlain)
            .fold(m, |m, i| m * (1.0 - strength(i)))
    };
    let ids_missed_subject = fold_ids(1.0, &ids[..ids_in_subject]);
    let ids_missed_all = fold_ids(ids_missed_subject, &ids[ids_in_subject..]);
    for h in health.iter().filter(|_| care && anchored) {
        let missed = if subject_only || h.part == Part::Subject {
            ids_missed_all
        } else {
            fold_ids(
                ids_missed_subject,
                within(&ids, Part::Body, h.start, LINK_WINDOW),
            )
        };
        link = link.max(h.confidence * health_weight(h) * (1.0 - missed) * context);
    }
    // Findings further apart than the window weigh the same whatever the
    // distance, so the best far one is the best of all scaled by that
    // weight. Counting near ones here too changes nothing: each near one
    // already adds more through the noisy-or below.
    let far_weight = if care { 0.75 } else { 0.6 };
    let best_body_health = health
        .iter()
        .filter(|h| h.part == Part::Body)
        .map(|h| h.confidence * health_weight(h))
        .fold(0.0, f32::max);
    // From each identifier: the health findings around it. Next to anything
    // in the subject every health finding is near, at proximity 1.0.
    let health_in_subject = health.partition_point(|f| f.part == Part::Subject);
    let fold_health = |m: f32, xs: &[&Finding]| {
        xs.iter()
            .fold(m, |m, h| m * (1.0 - h.confidence * health_weight(h)))
    };
    let health_missed_subject = fold_health(1.0, &health[..health_in_subject]);
    let health_missed_all = fold_health(health_missed_subject, &health[health_in_subject..]);
    for i in &ids {
        let wi = strength(i);
        if wi * context <= link {
            continue;
        }
        // Each health finding near the identifier is one more piece of
        // evidence that the two belong together (noisy-or).
        // Far-away findings count only one at a time.
        let missed = if subject_only || i.part == Part::Subject {
            health_missed_all
        } else {
            within(&health, Part::Body, i.start, LINK_WINDOW)
                .iter()
                .fold(health_missed_subject, |m, h| {
                    let prox = proximity(i, h, subject_only, care);
                    debug_assert!(prox >= 0.8);
                    m * (1.0 - h.confidence * health_weight(h) * prox)
                })
        };
        let far = if subject_only || i.part == Part::Subject {
            0.0
        } else {
            best_body_health * far_weight
        };
        link = link.max(wi * f32::max(1.0 - missed, far) * context);
    }
    if link > 0.0 {
        // Several kinds of health information say more than one.
        if kinds >= 2 {
            link += 0.1;
        }
        // So does a person described by several identifiers at once
        // (a name with a date of birth, a phone number, an address).
        if profile(&ids) {
            link += 0.1;
        }
        link = link.min(1.0);
    }
    // Somebody described as a patient (a name with their date of birth, SSN
    // or licence) is PHI even without a diagnosis: being somebody's patient
    // is health information.
    let providers: Vec<&Finding> = fs
        .iter()
        .filter(|f| matches!(f.category, Category::Dea | Category::Npi))
        .collect();
    let profile_strength = patient_profile(&ids, &providers);
    let patient = if care && profile_strength > 0.0 {
        0.55 + 0.25 * profile_strength
    } else {
        0.0
    };
    // Health information with no identifier: at most possible.
    let health_only = if health.is_empty() || !care {
        0.0
    } else {
        let best = health
            .iter()
            .map(|h| h.confidence * health_weight(h))
            .fold(0.0, f32::max);
        (best * 0.45).min(possible.max(0.01) + 0.05).min(phi - 0.01)
    };
    let mut score = strong
        .max(link)
        .max(patient)
        .max(health_only)
        .clamp(0.0, 1.0);
    // Mail sent to many (a press release, a newsletter, a course) names
    // speakers, donors and executives next to diseases: at most possible,
    // unless it carries a medical id, speaks to one named person or tells
    // of somebody's own health.
    let to_one = fs.iter().any(|f| {
        matches!(
            f.reason,
            Reason::NameInGreeting | Reason::NameInGreetingFirst
        )
    });
    let to_many = inp.cues.bulk > 0 && strong == 0.0 && !to_one && inp.cues.own == 0;
    // A veterinary clinic's mail names its client next to the animal's
    // diagnoses, drugs and patient id: nobody's PHI, unless the writer tells
    // of their own health too.
    let animals = inp.cues.animal >= 2 && inp.cues.mine == 0;
    // Mail greeting a group ("Hi everyone,": an open-enrolment notice, a
    // wellness event) tells of no one's care unless it carries a medical id
    // or a labelled one ("acct 0093318", "DOS 01/12/2024", "Mr. Pruitt"),
    // or somebody's own health.
    let labelled_person = fs.iter().any(|f| {
        matches!(
            f.reason,
            Reason::Labelled
                | Reason::DateOfBirth
                | Reason::DateOfService
                | Reason::DateOfAdmission
                | Reason::DateOfDischarge
                | Reason::NameAfterLabel
                | Reason::NameAfterTitle
                | Reason::NameSurnameFirst
                | Reason::NameWithAgeSex
        )
    });
    let to_group = inp.cues.group > 0
        && strong == 0.0
        && !labelled_person
        && inp.cues.own == 0
        && inp.cues.mine == 0;
    // Each is at most possible.
    if to_many || animals || to_group {
        score = score.min(phi - 0.01);
    }
    let verdict = if score >= phi {
        Verdict::Phi
    } else if score >= possible {
        Verdict::Possible
    } else {
        Verdict::Clean
    };
    Scored { verdict, score }
}

/// The strength of the best name that sits next to an identifier which
/// singles one person out (date of birth, SSN, licence), 0.0 if none.
///
/// A name with a DEA number or an NPI next to it is a clinician's (a
/// credentialing list, a prescriber block), and so is a licence with one
/// next to it (a practice's account details).
fn patient_profile(ids: &[&Finding], providers: &[&Finding]) -> f32 {
    let near_provider = |f: &Finding| !within(providers, f.part, f.start, NEAR).is_empty();
    ids.iter()
        .filter(|n| n.category == Category::Name && identifying_weight(n) >= 0.85)
        .filter(|n| !near_provider(n))
        .filter(|n| {
            within(ids, n.part, n.start, LINK_WINDOW)
                .iter()
                .any(|o| singles_out(o) && !(o.category == Category::License && near_provider(o)))
        })
        .map(|n| identifying_weight(n) * n.confidence)
        .fold(0.0, f32::max)
}

/// The findings of `sorted` (subject first, then body, each by start) in
/// `part` that start within `radius` bytes of `at`.
fn within<'s, 'f>(
    sorted: &'s [&'f Finding],
    part: Part,
    at: usize,
    radius: usize,
) -> &'s [&'f Finding] {
    let key = |f: &Finding| (f.part != Part::Subject, f.start);
    let body = part != Part::Subject;
    let lo = sorted.partition_point(|f| key(f) < (body, at.saturating_sub(radius)));
    let hi = sorted.partition_point(|f| key(f) <= (body, at.saturating_add(radius)));
    &sorted[lo.min(hi)..hi]
}

/// Whether a person's name sits next to another of their identifiers.
fn profile(ids: &[&Finding]) -> bool {
    ids.iter()
        .filter(|n| n.category == Category::Name && identifying_weight(n) >= 0.9)
        .any(|n| {
            within(ids, n.part, n.start, NEAR)
                .iter()
                .any(|o| match o.category {
                    Category::Date => identifying_weight(o) >= 0.8,
                    Category::Name | Category::Url | Category::Ip | Category::Zip => false,
                    _ => true,
                })
        })
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

    fn verdict_of(fs: &[Finding], cues: Cues) -> Verdict {
        score(Inputs { findings: fs, cues }, 0.3, 0.5, false).verdict
    }

    /// Window lookups give exactly the brute-force sets, in order.
    #[test]
    fn windows_match_brute_force() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut rnd = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for round in 0..200 {
            let mut fs: Vec<Finding> = (0..rnd(40))
                .map(|_| {
                    let mut x = f(Category::Name, rnd(3000), 0.9, Reason::NamePair);
                    if rnd(5) == 0 {
                        x.part = Part::Subject;
                        x.start %= 80;
                    }
                    x
                })
                .collect();
            fs.sort_by_key(|f| (f.part != Part::Subject, f.start));
            let sorted: Vec<&Finding> = fs.iter().collect();
            let subject_only = round % 7 == 0;
            for to in &fs {
                // What the scorer treats as near: the subject's findings and
                // the body window, or everything next to the subject.
                let subject = sorted.partition_point(|f| f.part == Part::Subject);
                let got: Vec<*const Finding> = if subject_only || to.part == Part::Subject {
                    sorted.iter().map(|f| *f as *const _).collect()
                } else {
                    sorted[..subject]
                        .iter()
                        .chain(within(&sorted, Part::Body, to.start, LINK_WINDOW))
                        .map(|f| *f as *const _)
                        .collect()
                };
                let want: Vec<*const Finding> = sorted
                    .iter()
                    .filter(|g| proximity(g, to, subject_only, round % 2 == 0) >= 0.8)
                    .map(|g| *g as *const _)
                    .collect();
                assert_eq!(got, want, "round {round}");
                let got: Vec<*const Finding> = within(&sorted, to.part, to.start, NEAR)
                    .iter()
                    .map(|f| *f as *const _)
                    .collect();
                let want: Vec<*const Finding> = sorted
                    .iter()
                    .filter(|g| g.part == to.part && g.start.abs_diff(to.start) <= NEAR)
                    .map(|g| *g as *const _)
                    .collect();
                assert_eq!(got, want, "round {round}");
            }
        }
    }

    #[test]
    fn strong_identifier_alone_is_phi() {
        let fs = [f(Category::Mrn, 0, 0.92, Reason::Labelled)];
        assert_eq!(verdict_of(&fs, Cues::default()), Verdict::Phi);
    }

    #[test]
    fn name_and_phone_alone_are_clean() {
        let fs = [
            f(Category::Name, 0, 0.8, Reason::NamePair),
            f(Category::Phone, 20, 0.85, Reason::Phone),
        ];
        assert_eq!(verdict_of(&fs, Cues::default()), Verdict::Clean);
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
        assert_eq!(verdict_of(&fs, cues), Verdict::Phi);
        // Without any clinical wording it is only possible.
        assert_eq!(verdict_of(&fs, Cues::default()), Verdict::Possible);
    }

    #[test]
    fn a_sign_off_names_the_patient_when_the_writer_tells_of_their_family() {
        // "my son ... his ADHD ... focalin 10mg ... Brittany Sorensen"
        let fs = [
            f(Category::Condition, 40, 0.8, Reason::Condition),
            f(Category::Medication, 60, 0.95, Reason::MedicationDose),
            f(Category::Name, 300, 0.8, Reason::NameInSignature),
        ];
        let cues = Cues {
            patient: 1,
            relative: 1,
            ..Cues::default()
        };
        // A clerk's or a colleague's sign-off: not the patient.
        assert_ne!(verdict_of(&fs, cues), Verdict::Phi);
        let mine = Cues { mine: 1, ..cues };
        assert_eq!(verdict_of(&fs, mine), Verdict::Phi);
    }

    #[test]
    fn condition_alone_is_not_phi() {
        let fs = [f(Category::Condition, 0, 0.8, Reason::Condition)];
        let cues = Cues {
            patient: 2,
            ..Cues::default()
        };
        assert_ne!(verdict_of(&fs, cues), Verdict::Phi);
    }

    /// A bulletin: health terms with the sender's phone, address and web
    /// page near them, and a "patient" in the text, but nobody in it.
    #[test]
    fn organisation_contacts_without_a_person_are_not_phi() {
        let fs = [
            f(Category::Condition, 0, 0.8, Reason::Condition),
            f(Category::Medication, 30, 0.8, Reason::Medication),
            f(Category::Phone, 60, 0.85, Reason::Phone),
            f(Category::Address, 90, 0.85, Reason::StreetAddress),
            f(Category::Zip, 120, 0.9, Reason::ZipNextToState),
            f(Category::Url, 140, 0.8, Reason::UrlPlain),
        ];
        let cues = Cues {
            patient: 1,
            ..Cues::default()
        };
        assert_ne!(verdict_of(&fs, cues), Verdict::Phi);
        // The same with somebody's own health in it ("my colonoscopy") is.
        let own = Cues { own: 1, ..cues };
        assert_eq!(verdict_of(&fs, own), Verdict::Phi);
    }

    /// A credentialing list: a clinician's name, licence and DEA number.
    #[test]
    fn a_clinicians_licence_is_no_patient_profile() {
        let licence = |dea: bool| {
            let mut v = vec![
                f(Category::Name, 0, 0.8, Reason::NamePair),
                f(Category::License, 30, 0.85, Reason::Labelled),
            ];
            if dea {
                v.push(f(Category::Dea, 60, 0.98, Reason::DeaChecksum));
            }
            v
        };
        let cues = Cues {
            patient: 2,
            ..Cues::default()
        };
        assert_eq!(verdict_of(&licence(false), cues), Verdict::Phi);
        assert_ne!(verdict_of(&licence(true), cues), Verdict::Phi);
    }

    /// A press release or a course: names next to diseases, no medical id,
    /// nobody addressed by name, nobody's own health.
    #[test]
    fn mail_to_many_is_at_most_possible() {
        let fs = [
            f(Category::Name, 0, 0.8, Reason::NamePair),
            f(Category::Condition, 30, 0.8, Reason::Condition),
            f(Category::Procedure, 60, 0.8, Reason::Procedure),
        ];
        let cues = Cues {
            patient: 1,
            ..Cues::default()
        };
        assert_eq!(verdict_of(&fs, cues), Verdict::Phi);
        let bulk = Cues { bulk: 1, ..cues };
        assert_eq!(verdict_of(&fs, bulk), Verdict::Possible);
        // With a medical record number it is PHI all the same.
        let mut with_mrn = fs.to_vec();
        with_mrn.push(f(Category::Mrn, 90, 0.92, Reason::Labelled));
        assert_eq!(verdict_of(&with_mrn, bulk), Verdict::Phi);
    }

    /// Five event dates near a condition are not five chances of a patient.
    #[test]
    fn plain_dates_do_not_add_up() {
        let mut fs = vec![f(Category::Condition, 0, 0.8, Reason::Condition)];
        for k in 1..=5 {
            fs.push(f(Category::Date, 20 * k, 0.7, Reason::DatePlain));
        }
        fs.push(f(Category::Name, 300, 0.8, Reason::NameWithRole));
        let cues = Cues {
            patient: 1,
            ..Cues::default()
        };
        assert_ne!(verdict_of(&fs, cues), Verdict::Phi);
    }
}
