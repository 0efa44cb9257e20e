//! Message-level verdicts on small synthetic messages: what makes PHI, what
//! does not, and the subject judged on its own.

use sealpost_policy::{assess, Action, Category, Policy, Verdict};

fn verdict(subject: Option<&str>, body: &str) -> Verdict {
    assess(subject, body, &Policy::default()).verdict
}

#[test]
fn identifier_with_health_information_is_phi() {
    let cases = [
        "Pt Maria Lopez, DOB 03/04/1961, seen for type 2 diabetes. A1C 9.2.",
        "Please refill lisinopril 10 mg for John Carter (DOB 4 Mar 1961).",
        "Mr. Robert Nguyen was admitted 11/02/2024 with pneumonia; discharged 11/06/2024.",
        "Claim for member W88812345: CPT 99214, dx E11.9.",
        "My daughter Emily Clark has asthma and needs her inhaler refilled, her date of birth is 05/12/2015.",
    ];
    for body in cases {
        assert_eq!(verdict(None, body), Verdict::Phi, "{body}");
    }
}

#[test]
fn patient_described_without_a_diagnosis_is_phi() {
    // Being somebody's patient is health information: a name with a date of
    // birth or an SSN, in a message about care.
    for body in [
        "Scheduled: Raymond Ostrowski, DOB 1961-03-04. Pt notified by phone.",
        "pls run eligibility for Kenneth Ybarra, SSN 215-53-8841 - coming in at 3.",
    ] {
        assert_eq!(verdict(None, body), Verdict::Phi, "{body}");
    }
}

#[test]
fn addressee_and_possessives_tie_health_to_a_person() {
    for body in [
        "Hi Arthur,\n\nYour fasting labs from 2/6 are back: LDL 168, HDL 38, A1C 5.9.",
        "Driver change: Hank will take Mrs. Odom's dialysis run, pickup 5:15am.",
        // The writer's own family: the sign-off names the patient's parent.
        "Hi, I'd like to pay the balance for my daughter Sophia's ear tube surgery, account 770023415. Please put it on my card 4895 5597 9711 4712, name on the card is Kelly A Marchetti.",
        "hi my son aiden is 6 and still wetting the bed, hes on the focalin 10mg for his adhd, is it ok to take ddavp too\n\nthanks\nBrittany Sorensen",
    ] {
        assert_eq!(verdict(None, body), Verdict::Phi, "{body}");
    }
    // A first name greeted is a colleague's unless the message speaks to
    // them of their own health.
    let colleague = "Hi Kelly,\n\nConfirming our lunch talk for the residents on SGLT2 inhibitors in heart failure and chronic kidney disease, and how to manage insulin in patients with type 2 diabetes. Room 4B, 2910 North Cedar Avenue, Fresno, CA 93703.\n\nMelissa";
    assert_ne!(verdict(None, colleague), Verdict::Phi);
    // A clerk's sign-off under somebody else's care is no patient.
    let clerk = "the patient is on focalin 10mg for adhd, is it ok to take ddavp too\n\nthanks\nBrittany Sorensen";
    assert_ne!(verdict(None, clerk), Verdict::Phi);
}

#[test]
fn a_visit_to_a_specialty_is_health_information() {
    for body in [
        "Dear Mr. Hakimi,\n\nOur records show that you missed your appointment on 05/12/2025 at 10:40 AM with Dr. Samira Yousef in the Hepatology Clinic.",
        "Hi Mr. Ogunleye,\n\nThis is a reminder that Tobi's 4-year well-child visit with Dr. Sato is scheduled for 11/03/2025. She is due for her DTaP, IPV and MMR.",
    ] {
        assert_eq!(verdict(None, body), Verdict::Phi, "{body}");
    }
    // Departments in a notice, a rota or a signature are nobody's visit.
    for body in [
        "Patients and visitors: free valet at the Cancer Center entrance. Do not park in the Emergency Department lot.\n\nTom Reyes\nDirector, Facilities",
        "On call this weekend for Cardiology: Jane Whitfield, pager 555-0101; Neurology: Omar Haddad, pager 555-0102.",
    ] {
        assert_ne!(verdict(None, body), Verdict::Phi, "{body}");
    }
}

#[test]
fn senders_clinicians_and_venues_are_not_patients() {
    for body in [
        "Join us for the diabetes education summit at 350 N Orleans St, Chicago, IL 60654. Keynote: Dr. Helen Ashworth on type 2 diabetes.",
        "The recall affects insulin infusion sets and may lead to hyperglycemia.\n\nRegulatory Affairs Manager: Diane Osterman",
        "Our new wellness program covers flu shots this October.\n\nThanks,\nCurtis Bell\nBenefits Manager",
    ] {
        assert_ne!(verdict(None, body), Verdict::Phi, "{body}");
    }
}

#[test]
fn dental_and_recovery_visits_are_care() {
    for body in [
        "Hi Liz,\n\nThis is a reminder that you are scheduled for:\nPatient: Elizabeth Moreno\nDate: Thursday, May 16, 2024\nProcedure: Crown seat, tooth #30\n\nYour temporary crown will be removed.",
        "Hi Brandon Teller,\n\nThis is a reminder of your individual session on Tuesday, March 26, 2024 at 5:30 PM.\n\nNueva Vida Recovery Services\n816 Central Ave SW, Albuquerque, NM 87102",
    ] {
        assert_eq!(verdict(None, body), Verdict::Phi, "{body}");
    }
}

#[test]
fn spanish_reminders_are_read_too() {
    let body = "Estimada Sra. Carmen Villalobos:\n\nLe recordamos su cita de cardiología el 14/08/2025 a las 9:00 a.m. Por favor traiga su insulina y la metformina 850 mg que toma.";
    assert_eq!(verdict(None, body), Verdict::Phi);
    // Typed without accents.
    let plain =
        "Sra. Carmen Villalobos, su cita de cardiologia es el 14/08/2025; traiga su insulina.";
    assert_eq!(verdict(None, plain), Verdict::Phi);
}

#[test]
fn a_recruitment_flyer_is_mail_to_many() {
    // Its study coordinator and investigator are no patients.
    let subject = "Now enrolling: study for adults with moderate-to-severe asthma";
    let body = "NOW ENROLLING \u{2013} THE BREATHE-EASY STUDY\n\nDo you have moderate-to-severe asthma that is not well controlled?\n\nMercy Valley Clinical Research is looking for adults 18 to 65 years old\nwith asthma who:\n  \u{2022} use an inhaled corticosteroid every day, and\n  \u{2022} have had at least two asthma attacks in the past year that needed\n    oral steroids or an urgent visit.\n\nAbout the study\n  \u{2022} Tests an investigational biologic given as an injection every 4 weeks\n  \u{2022} About 12 study visits over 12 months\n  \u{2022} Study-related care, lung function tests (spirometry) and a blood\n    eosinophil count at no cost\n  \u{2022} Compensation up to $1,200 for time and travel\n\nPrincipal Investigator: Rafael Ostrowski, MD, Pulmonary and Critical Care\nStudy location: Mercy Valley Clinical Research Center\n                2910 North Cedar Avenue, Suite 340, Fresno, CA 93703\n\nTo learn more or see if you qualify, contact study coordinator\nHope Lindgren at 559-555-0262 or breathe-easy@mercyvalleymc.org,\nor visit https://research.mercyvalleymc.org/breathe-easy\n\nIRB #2019-0834. Participation is voluntary. You may stop at any time.\nPlease forward this to colleagues, friends and family who may be interested.\n";
    assert_ne!(verdict(Some(subject), body), Verdict::Phi);
}

#[test]
fn strong_medical_identifier_alone_is_phi() {
    for body in [
        "Please pull the chart, MRN 00482913.",
        "Medicare # 2AF7-JK3-PW58 on file",
        "Member ID: XJH123456789. Please verify eligibility before the visit.",
        "Medicaid ID: 00412345678",
    ] {
        assert_eq!(verdict(None, body), Verdict::Phi, "{body}");
    }
    // A gym's or an airline's member number is not a health plan's.
    for body in [
        "Hey Nate, your membership renews soon!\nMember #: IH-558120\nPlan: All-Access Monthly ($39.99/mo)",
        "Thanks for flying with us. Member number: 4410 2231 09, status: Gold.",
    ] {
        assert_ne!(verdict(None, body), Verdict::Phi, "{body}");
    }
}

#[test]
fn greetings_and_sign_offs_in_portal_mail() {
    for body in [
        // The patient signs a lower-case portal message about their body.
        "hi jen,\n\nthe spot on my left shoulder where dr ambrose did the shave biopsy last wk is still bleeding a little. did the path come back yet, im worried about the melanoma thing\n\nthx\ncarla",
        // A pharmacy prints the name from the record, in capitals.
        "ROBERT ALLEN, your prescriptions are ready.\n\n  Rx #6023847   ATORVASTATIN 40MG TAB   Qty 90\n\nPlease pick up by 07/02/2024.",
        // A session at a behavioural-health practice is care, "our" or not.
        "Hi Daniel,\n\nI need to move our Thursday (9/12) session from 3:00 to 4:15 -- I have a meeting I can't\nshift. Same telehealth link as usual. If 4:15 doesn't work, I also have Friday 9/13 at 10.\n\nTake care,\nLeah\n\nLeah Brenner, LCSW\nLakeside Behavioral Health\n(608) 555-0145\n\nCONFIDENTIALITY NOTICE: This message may contain protected health information.",
        // The practice named in the signature, far from "your first appointment".
        "Hi Jordan,\n\nThank you - we've received your new patient intake packet, consent to treatment, and insurance card images. Your first appointment with Dr. Farah Haddad is on Monday, February 5 at 10:00 AM at our Culver City office, 10850 Washington Blvd, Culver City, CA 90232.\n\nPlease arrive 15 minutes early. If you need to cancel, we ask for 48 hours' notice; late cancellations are billed at $95.\n\nBest,\nIntake Coordinator\nWestside Psychiatric Associates\n(310) 555-0175",
        // "my next appt": the writer's own care; the sign-off is theirs.
        "hey so the PT exercises are making my knee worse not better?? its been 3 wks since the acl surgery and its still really swollen and hot at night. is that normal. can i get the MRI moved up or talk to dr ames b4 my next appt\n-jen k.",
    ] {
        assert_eq!(verdict(None, body), Verdict::Phi, "{body}");
    }
    // A vendor's sign-off under billing codes is nobody's care.
    let vendor = "Hi there,\n\nOur scrubber catches modifier 25 missing on 99214, and retired ICD-10 codes (M54.5 was split into M54.50/M54.51/M54.59).\n\nDerek Hollis | ClaimSmith | (312) 555-0175";
    assert_ne!(verdict(None, vendor), Verdict::Phi);
    // A veterinary visit summary names the client, not a patient.
    let vet = "Hi Laura Pennington,\n\nThanks for bringing Biscuit (canine, Golden Retriever, 6 yrs) in today, 05/10/2024.\n  - Heartworm/tick panel: negative\n  - Rx: carprofen 75 mg twice daily for mild hip arthritis\n\nCedar Paws Veterinary Hospital";
    assert_ne!(verdict(None, vet), Verdict::Phi);
}

#[test]
fn business_mail_with_names_and_numbers_is_clean() {
    let cases = [
        "Hi John, the Q3 numbers are attached. Call me at (713) 555-0142. Thanks, Sarah Miller",
        "Meeting moved to 03/04/2024 at 1200 Smith Street, Houston, TX 77002. Regards, Mark Taylor",
        "Invoice # 44821 for 500 boxes of nitrile gloves, PO # 99812. Ship to 200 Main Street, Springfield, IL 62704.",
        "Join our free webinar on diabetes care trends for clinic managers on March 4, 2025. Register at https://events.example.com.",
    ];
    for body in cases {
        assert_eq!(verdict(None, body), Verdict::Clean, "{body}");
    }
}

#[test]
fn subject_is_judged_on_its_own() {
    let a = assess(
        Some("Lab results for Maria Lopez - A1C 9.2"),
        "See attached.",
        &Policy::default(),
    );
    assert_eq!(a.subject_verdict, Verdict::Phi);
    assert_eq!(a.verdict, Verdict::Phi);
    assert!(a
        .findings
        .iter()
        .any(|f| f.category == Category::Name && f.part == sealpost_policy::Part::Subject));
    let b = assess(Some("Q3 planning"), "See attached.", &Policy::default());
    assert_eq!(b.subject_verdict, Verdict::Clean);
}

#[test]
fn strictest_policy_blocks_phi_subjects() {
    let a = assess(
        Some("RE: John Carter DOB 03/04/1961 MRI"),
        "ok",
        &Policy::strictest(),
    );
    assert_eq!(a.action, Action::Block);
}

#[test]
fn allow_listed_terms_are_not_findings() {
    let policy = Policy::from_toml(
        "[allow]\nterms = [\"(617) 555-0100\"]\ninternal_domains = [\"riverside-fm.example\"]",
    )
    .unwrap();
    let a = assess(
        None,
        "Call us at (617) 555-0100 or write to frontdesk@riverside-fm.example",
        &policy,
    );
    assert!(
        a.findings
            .iter()
            .all(|f| f.category != Category::Phone && f.category != Category::Email),
        "{:?}",
        a.findings
    );
}

#[test]
fn every_finding_has_an_explanation() {
    let a = assess(Some("Referral"), "Pt Maria Lopez, DOB 03/04/1961, MRN 00482913, SSN 215-53-8841, dx E11.9, CPT 99214, metformin 500 mg.", &Policy::default());
    assert!(a.findings.len() >= 7);
    for f in &a.findings {
        assert!(f.explanation().len() > 10);
    }
}

#[test]
fn mail_to_many_vets_and_vendors_are_not_patients() {
    for body in [
        // Greeting a group: an open-enrolment notice and a wellness event.
        "Hello everyone,\n\nOpen enrollment for 2026 benefits runs Monday, November 3 through Friday, November 21. If you don't make changes, your current elections roll over, except for FSA and HSA contributions, which must be re-elected every year.\n\nWhat's new for 2026:\n- Two medical plans: the Harborline PPO and the HDHP with HSA. The company HSA contribution increases to $750 (employee only) / $1,500 (family).\n- Dental and vision premiums are unchanged.\n- The Employee Assistance Program now includes 8 free counseling sessions per issue.\n- Completing a biometric screening or annual physical by June 30 earns a $200 premium credit.\n\nBenefits fair: Thursday, November 6, 11 AM-2 PM, in the main cafeteria.\n\nQuestions? Contact Laura Chen at benefits@harborlinefoods.example or (414) 555-0135.\n\nThe Benefits Team",
        "Hi everyone,\n\nFall wellness events are here!\n\nFREE FLU SHOTS\nWednesday, October 8 and Wednesday, October 15, 9 AM-3 PM, 3rd floor training room. Bring your insurance card; no cost to you. High-dose vaccine available for colleagues 65+.\n\nBIOMETRIC SCREENINGS\nSame days. A quick finger-stick for cholesterol and glucose plus blood pressure and BMI. Complete a screening by December 31 to earn a $150 HSA deposit. Results go only to you and your doctor; Keelbrook only receives a list of who participated.\n\nSTEP CHALLENGE\nTeams of 5, November 1-30. Prizes for the top three teams.\n\nQuestions? Contact Tamika Hughes, Wellness Coordinator, (617) 555-0166.",
        // A blood drive: a donor's eligibility is nobody's care.
        "<html><body style=\"font-family:Verdana,sans-serif\">\n<h2 style=\"color:#b00020\">Community Blood Drive</h2>\n<p><b>Thursday, October 30, 2025 &middot; 10 AM - 4 PM</b><br>\nCity Hall Rotunda, 200 Main St, Fairmont, WV 26554</p>\n<p>One donation can help up to three people. To donate you must be at least 16 years old, weigh at least 110 lbs and be feeling well on the day. Wait 8 weeks after your last whole-blood donation. If you take a blood thinner such as warfarin, please check eligibility first.</p>\n<p>Eat an iron-rich meal and drink plenty of water beforehand. Snacks provided!</p>\n<p><a href=\"https://blooddrive.fairmont-city.example/signup\">Reserve a time</a> or contact Greg Pulaski, (304) 555-0124.</p>\n</body></html>",
        // A veterinary clinic, its patient id an animal's.
        "Hi Hannah Whitfield,\n\nOur records show that Biscuit (Golden Retriever, 6 yrs, Patient ID 22871) is due for:\n  - Rabies (3-year)\n  - DHPP\n  - Leptospirosis\n\nDr. Kaur would also like to recheck Biscuit's ear infection and refill his Apoquel 16 mg for his seasonal allergies at the same visit.\n\nWe have an opening Saturday 10/25 at 10:00 AM. Call us at (410) 555-0116 or book online.\n\nWags and purrs,\nPaws & Whiskers Animal Hospital",
        // A forwarded service quote: correspondents in its header lines and a
        // quoted signature.
        "Forwarding for your review -- can we get this to legal by the 24th? The current agreement lapses 11/30.\n\n-Beth\n\n---------- Forwarded message ---------\nFrom: Gary Lund <glund@magnaimagingservice.example>\nDate: Thu, Oct 16, 2025 at 2:11 PM\nSubject: Service contract renewal - MRI suite, Radiology Dept\nTo: Beth Alvarado <balvarado@stbrendanmc.example>\n\n> Hi Beth,\n>\n> Attached is the renewal quote for the full-service agreement covering the 1.5T MR system (serial MR15-77231) and the 3T system (serial MR30-10458) in the St. Brendan Radiology Department.\n>\n> - 98% uptime guarantee, with credits below that\n> - Coils, cryogens and software updates included\n> - Annual price $412,000 (3-year term), quote valid through 11/30/2025\n>\n> Happy to set up a call with your biomed director.\n>\n> Gary Lund\n> Regional Service Sales, Magna Imaging Service\n> (312) 555-0111",
    ] {
        assert_ne!(verdict(None, body), Verdict::Phi, "{body}");
    }
    // A team greeted about one patient with labelled details is PHI.
    let team = "Hi team,\n\nClaim 240119-88713 for Gerald Pruitt (acct 0093318) DOS 01/12/2024 denied CO-11.\nDx: I10, R73.03\n\nMarcy";
    assert_eq!(verdict(None, team), Verdict::Phi);
    // A quick note with a surname the census list lacks, after "mrs".
    let note = "pt mrs delacroix called agian abt her coumadin dose, INR was 3.8 yest at the lab. shes worried bc of bruising on her arms. pls call her back 555-0142 b4 noon if u can";
    assert_eq!(verdict(Some("call back"), note), Verdict::Phi);
}

#[test]
fn institutions_and_representatives_are_nobodys_care() {
    for body in [
        // A sales representative's sign-off anchors no patient.
        "Dear Dr. Whitaker,\n\nNew 52-week results for GLUCAVANTIDE (once-weekly injection) in adults with type 2\ndiabetes and stage 3 chronic kidney disease showed a mean A1c reduction of 1.6% and a 4.1 kg\naverage weight loss versus placebo.\n\nI'd love to set up a 20-minute lunch-and-learn for your practice. Samples and savings\ncards are available.\n\nImportant Safety Information: Do not use in patients with a personal or family history\nof medullary thyroid carcinoma. Full prescribing information: https://glucavantide-hcp.example\n\nChelsea Morgan, Diabetes Specialty Representative, (317) 555-0153",
        // "Cancer Pavilion" names a building, not a donor's disease.
        "Dear Mr. and Mrs. Harrington,\n\nOn behalf of the Riverside Health Foundation, thank you for your generous gift of $25,000\nreceived on 02/14/2025 toward the new Riverside Cancer Pavilion. Your names will be\nrecognized on the donor wall in the main atrium when the pavilion opens this fall.\n\nFor your tax records: Gift ID 2025-004418. No goods or services were provided in exchange\nfor this contribution.\n\nWith gratitude,\nCatherine Blaylock\nPresident, Riverside Health Foundation",
    ] {
        assert_ne!(verdict(None, body), Verdict::Phi, "{body}");
    }
    for body in [
        // Greeted by first name alone on the first line, about FMLA leave.
        "Jerome,\n\nYour request for intermittent FMLA leave has been approved for the period 02/03/2025\nthrough 08/03/2025. The certification from your health care provider (Dr. Anita Rao,\nNorthgate GI Associates) indicates episodic flare-ups of Crohn's disease lasting up to\n3 days, approximately 2 times per month, plus infusion appointments every 8 weeks.\n\nPlease record FMLA absences in Workday using the \"FMLA-Intermittent\" code and notify\nyour supervisor, Carla Mendez, as soon as practicable.\n\nLeave Administration\nRidgeline Logistics | (901) 555-0110",
        // A therapist's "our Thursday session" at a counseling group.
        "Hi Priya,\n\nI need to move our Thursday session to Monday 3/17 at 4:00 PM - I hope that still works\nwith your work schedule. We'll use the same secure video link:\nhttps://telehealth.willowcounseling.example/room/lhaddadi\n\nBetween now and then, keep up with the sleep log and the breathing exercises we practiced\nfor the panic episodes. If things get hard, you can call or text 988 any time.\n\nTake care,\nLaila Haddadi, LCSW\nWillow Counseling Group | (860) 555-0127",
    ] {
        assert_eq!(verdict(None, body), Verdict::Phi, "{body}");
    }
}

#[test]
fn family_and_quick_notes_are_care() {
    for (subject, body) in [
        // A pharmacy pickup printed in capitals.
        (Some("Your prescription is ready for pickup"), "CORNER DRUG #0412 - RX READY\n\nPatient: ANH T NGUYEN\nRx #: 6603185\nDrug: LEVOTHYROXINE 75 MCG TAB (qty 90)\nPrescriber: DR. M. HOLLOWAY\nReady as of: 07/02/2025 2:15 PM\n\nPick up at: 1187 Bellaire Blvd, Houston, TX 77036\nQuestions? Call the pharmacy at 713-555-0126."),
        // A caregiver about "Dad", named once in brackets.
        (Some("dad had a rough night"), "Brenda,\n\nDad (Kofi Asante) had a rough night - he was restless around 2am. We gave the 5 mg of morphine from the comfort kit at 2:10 and again at 4:30 and he settled. We also used one of the lorazepam 0.5 tabs under the tongue.\n\nCan you come by earlier today? We're at 1402 Magnolia Ct.\n\nThank you,\nKwame\n(404) 555-0122"),
        // A hospice social worker to the patient's daughter.
        (Some("Update on your mom"), "Dear Deborah,\n\nYour mother has been sleeping most of the day since Monday. For her comfort, Dr. Amsel has ordered:\n  - morphine oral solution 5 mg under the tongue every 2 hours as needed for shortness of breath\n  - lorazepam 0.5 mg under the tongue every 4 hours as needed for restlessness\n\nYou can reach our on-call nurse at (610) 495-8800.\n\nNaomi Feld, LCSW"),
        // An ED text in lower case.
        (Some("rm 4"), "pt hernandez rm 4 bp 182/104 c/o worst headache of life, pls come asap"),
        // A patient greeted by a name in no list, about her own surgery.
        (Some("Checking in after your surgery"), "Hi Agnieszka,\n\nThis is Bonnie from Dr. Khalil's office, checking in after your laparoscopic gallbladder removal on Monday, March 10.\n\nTake acetaminophen 1000 mg every 8 hours. Use the oxycodone only if the pain is still not controlled.\n\nYour post-op visit is Monday, March 24 at 2:20 PM.\n\nBonnie Kaczmarek, LPN"),
        // Spanish: a grandson about his grandmother.
        (Some("mi abuela se quedó sin insulina"), "Les escribo por mi abuela, María de los Ángeles Echeverría Soto, fecha de nacimiento 3 de octubre de 1943. Es paciente de la Dra. Villalobos.\n\nSe le acabó la insulina Lantus desde el domingo y también el losartán.\n\nMi teléfono es (408) 251-7734.\n\nGracias,\nRaúl Echeverría"),
    ] {
        assert_eq!(verdict(subject, body), Verdict::Phi, "{body}");
    }
}

#[test]
fn suppliers_and_community_events_are_nobodys_care() {
    for body in [
        // A distributor's account: the practice's DEA, NPI and licence, a sales rep.
        "Dr. Achebe,\n\nYour MedLink Distribution account is active. Details on file:\n\nAccount #: MLD-3308721\nShip-to: 145 Wharf St, Suite 2, Portsmouth, NH 03801\nGroup NPI: 1482065939\nDEA registration (practitioner): FA3057280, expires 06/30/2027\nNH controlled drug license: CDL-004187, expires 12/31/2026\n\nSchedule II ordering requires CSOS. Your certificate request was approved on 05/02/2025; your sales rep, Colin Ashworth (603-555-0116), can walk your office manager through the first 222 order.",
        // A health fair's flyer with a volunteer contact.
        "FREE COMMUNITY HEALTH FAIR\nSaturday, April 18, 2026, 10 AM - 2 PM\nEastside Community Center, 900 E 7th St, Austin, TX 78702\n\n- Free blood pressure, blood sugar and cholesterol screenings\n- Flu and COVID-19 vaccines\n\nVolunteers needed! Contact Rosalinda Cruz at 512-555-0146.",
        // A downtime notice with its lead's name.
        "PLANNED EHR DOWNTIME\n\nWho is affected: all inpatient units, EDs, clinics, lab and pharmacy\n\n- Lab results will be phoned to units by the lab at x4-5200.\n\nCommand center during the upgrade: 847-555-0103 (Ana Lucero, Clinical Informatics lead).",
    ] {
        assert_ne!(verdict(None, body), Verdict::Phi, "{body}");
    }
}

#[test]
fn line_endings_do_not_move_findings_apart() {
    // The name and the drug are 380 bytes apart with LF line ends and 560
    // with CRLF: the verdict measures without the CRs.
    let lf = format!(
        "Maria Lopez called today.\n{}She takes metformin 500 mg.\n",
        "ok\n".repeat(120)
    );
    let crlf = lf.replace('\n', "\r\n");
    let policy = Policy::default();
    let (a, b) = (assess(None, &lf, &policy), assess(None, &crlf, &policy));
    assert_eq!((a.verdict, a.score), (b.verdict, b.score));
}

#[test]
fn patients_texting_and_results_told_to_them() {
    for (subject, body) in [
        // A patient's lower-case text: their name, their knee, their birthday.
        (Some("knee"), "hi dr patel its marcus jefferson, my knee is still swolen after the cortizone shot\nlast tues and its kinda warm to touch now?? is that normal. also can i take\nibuprofin with my lisinipril or no. my bday is 4/9/71 if u need to look me up. thx\n\nSent from my iPhone"),
        // A result in mg/dL told to a patient greeted by a hyphenated name.
        (Some("Your glucose screening result"), "Dear Ji-yeon Kim,\n\nDr. Sato reviewed your 1-hour glucose screening from Tuesday (10/14). The\nresult was 152 mg/dL. Our cutoff is 140, so the next step is the 3-hour\nglucose tolerance test. This does NOT mean you have gestational diabetes.\n\nCall me at 201-555-0126 with any questions.\n\nGrace Yoon, RN"),
        // A mail-order pharmacy's notice, the patient in capitals.
        (Some("Your order has shipped - Order #48823017"), "Your order is on its way\nHello SUNG-MIN PARK,\n\nOrder #48823017 shipped on 10/15/2025.\n\n Rx # Medication Qty Your cost\n 3309971-02 LEVOTHYROXINE SOD 75 MCG TAB 90 $15.00\nShipping to:\nSUNG-MIN PARK\n4217 Ravensworth Rd\nAnnandale, VA 22003\n\nQuestions? Pharmacists are available 24/7 at 1-877-555-0102."),
    ] {
        assert_eq!(verdict(subject, body), Verdict::Phi, "{body}");
    }
    // A wellness vendor's pitch to an employer names no one's care.
    let pitch = "Hi Mr. Delgado,\n\nI'm reaching out because Kestrel Manufacturing's self-funded plan renews in\nJuly, and many employers your size are looking for ways to slow claims\ngrowth without cutting benefits.\n\nThrive360 is a workplace wellness program that employers like Ridgeway Foods\nand Calder Steel use to:\n\n - Run on-site biometric screenings (BP, cholesterol, A1c) with same-day\n   coaching\n - Offer a CDC-recognized Diabetes Prevention Program, virtual or in person\n - Provide 1:1 health coaching for weight, sleep, and stress\n - Deliver quarterly reports to HR with de-identified, aggregate results\n   only (we never share individual employee data with the employer)\n\nTypical clients see 45-60% participation in year one. Pricing is $4.50 per\nemployee per month, with a performance guarantee tied to participation.\n\nCould I have 20 minutes next week to walk you through a sample employer\nreport? https://www.thrive360wellness.com/employers\n\nBest,\nAlyssa Brennan\nEmployer Partnerships, Thrive360\n(720) 555-0158";
    assert_ne!(verdict(None, pitch), Verdict::Phi);
}

#[test]
fn obstetric_shorthand_and_benefits_mail() {
    let gdm = "Team -\n\nFatima Al-Rashid failed her 3-hr GTT (fasting 101, 1h 196, 2h 178, 3h 152),\nso GDM. She's 28w2d, G2P1. EDD 01/12/2026. Please:\n- refer to diabetes education this week\n- glucometer + strips to her pharmacy (CVS on Edgewood)\n- move her next visit up to 2 wks\nShe speaks Arabic primarily, use the interpreter line when you call her.\n\nThanks, Ingrid";
    assert_eq!(verdict(Some("GTT results"), gdm), Verdict::Phi);
    let enrollment = "Open Enrollment runs November 1-15 for 2026 coverage.\n\nWhat's changing:\n- Medical: the PPO deductible rises to $1,750 (individual). The HDHP with\n  HSA stays at $3,300 and the company HSA contribution increases to $1,000.\n- New: Hinge Health virtual physical therapy and a diabetes prevention\n  program at no cost.\n- Dental and vision carriers are unchanged.\n\nYou must actively re-enroll in the FSA. Benefits fair: Nov 4, 11am-2pm,\n3rd floor training room. Questions: Kara Jensen, x4127.\n\nHR Benefits Team";
    assert_ne!(
        verdict(
            Some("Open Enrollment starts Nov 1 - what is changing"),
            enrollment
        ),
        Verdict::Phi
    );
}
