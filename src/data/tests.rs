//! The data reader's unit tests.

use super::*;

#[test]
fn quoted_fields_crlf_and_a_bom_are_read() {
    let text = "\u{feff}\"Time\",status,\"arm\"\r\n\"1.5\",1,0\r\n\r\n2,\"0\",1\r\n";
    let obs = parse_csv(text, "x.csv").unwrap();
    assert_eq!(obs.len(), 2);
    assert_eq!((obs[0].time, obs[0].status, obs[0].arm), (1.5, 1, 0));
    assert_eq!((obs[1].time, obs[1].status, obs[1].arm), (2.0, 0, 1));
    // A quoted comma is part of the field, not a separator.
    let e = parse_csv("time,status,arm\n\"1,5\",1,0\n", "x.csv").unwrap_err();
    assert_eq!(e.0, "x.csv:2: time = \"1,5\": expected a number");
}

#[test]
fn errors_are_located_and_only_the_first_twenty_listed() {
    let mut text = String::from("time,status,arm\n");
    for _ in 0..25 {
        text.push_str("x,1,0\n");
    }
    let e = parse_csv(&text, "x.csv").unwrap_err().0;
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 21);
    assert_eq!(lines[0], "x.csv:2: time = \"x\": expected a number");
    assert_eq!(lines[20], "x.csv: … and 5 more");
    let e = parse_csv("time,status,arm\n1,1\n", "x.csv").unwrap_err().0;
    assert_eq!(e, "x.csv:2: expected 3 columns, found 2");
    let e = parse_csv("time,status,arm\n1,\u{0}\u{ff},0\n".replace('\u{ff}', "").as_str(), "x.csv").unwrap_err().0;
    assert!(e.contains("x.csv:2: status"), "{e}");
}

/// An R-style data set: named columns, text arms and strata, competing causes.
#[test]
fn columns_arms_strata_and_causes_are_mapped() {
    let text = "id,efs_time,efs_status,arm,cohort\n1,3.5,1,rmhtnf,gastric\n2,4,2,control,colorectal\n3,5,0,control,gastric\n4,6,3,rmhtnf,colorectal\n";
    let cols = Columns {
        time: "efs_time".into(),
        status: "EFS_STATUS".into(),
        strata: Some("cohort".into()),
        ..Columns::default()
    };
    let groups = parse_with(text, "r.csv", &cols).unwrap();
    let d = &groups[0].1;
    assert_eq!(d.arm_labels, ["control".to_string(), "rmhtnf".to_string()]);
    assert_eq!(d.strata, ["colorectal", "gastric"]);
    assert_eq!(d.competing_causes, [2, 3]);
    let got: Vec<(f64, u8, u8, u16)> = d.obs.iter().map(|o| (o.time, o.status, o.arm, o.stratum)).collect();
    assert_eq!(got, [(3.5, 1, 1, 1), (4.0, 2, 0, 0), (5.0, 0, 0, 1), (6.0, 2, 1, 0)]);
    // Cause 2 as the event of interest: cause 1 becomes competing.
    let d = &parse_with(text, "r.csv", &Columns { event_cause: 2, ..cols.clone() }).unwrap()[0].1;
    assert_eq!(d.obs.iter().map(|o| o.status).collect::<Vec<_>>(), [2, 1, 0, 2]);
    assert_eq!(d.competing_causes, [1, 3]);
}

#[test]
fn two_text_arms_without_a_flag_are_refused_naming_both() {
    let text = "time,status,arm\n1,1,a\n2,0,b\n";
    let e = parse_with(text, "x.csv", &Columns::default()).unwrap_err().0;
    assert!(e.contains("\"a\", \"b\"") && e.contains("--treatment"), "{e}");
    let d = &parse_with(text, "x.csv", &Columns { treatment: Some("b".into()), ..Columns::default() }).unwrap()[0].1;
    assert_eq!(d.arm_labels, ["a".to_string(), "b".to_string()]);
    let e = parse_with(text, "x.csv", &Columns { treatment: Some("c".into()), ..Columns::default() }).unwrap_err().0;
    assert!(e.contains("not an arm label"), "{e}");
    let e = parse_with("time,status,arm\n1,1,a\n2,0,b\n3,0,c\n", "x.csv", &Columns::default()).unwrap_err().0;
    assert!(e.contains("\"a\", \"b\", \"c\""), "{e}");
    // A third label beside the two named: refused on its line.
    let three = Columns { treatment: Some("b".into()), control: Some("a".into()), ..Columns::default() };
    let e = parse_with("time,status,arm\n1,1,a\n2,0,b\n3,0,c\n", "x.csv", &three).unwrap_err().0;
    assert!(e.contains("x.csv:4: arm = \"c\": neither"), "{e}");
}

#[test]
fn a_long_table_is_read_one_trial_or_by_trial() {
    let text = "trial,time,status,arm\n1,1,1,0\n1,2,0,1\n2,3,1,1\n10,4,1,0\n";
    let by = Columns { by: Some("trial".into()), ..Columns::default() };
    let groups = parse_with(text, "p.csv", &by).unwrap();
    assert_eq!(groups.iter().map(|g| g.0.as_str()).collect::<Vec<_>>(), ["1", "2", "10"]);
    assert_eq!(groups[0].1.obs.len(), 2);
    let one = Columns { only: Some(("trial".into(), "2".into())), ..Columns::default() };
    let g = parse_with(text, "p.csv", &one).unwrap();
    assert_eq!(g.len(), 1);
    assert_eq!(g[0].1.obs.len(), 1);
    let none = Columns { only: Some(("trial".into(), "3".into())), ..Columns::default() };
    assert!(parse_with(text, "p.csv", &none).unwrap_err().0.contains("no record has trial = \"3\""));
}

/// `--by` over many groups and strata: each group holds the labels of its own strata
/// (numbered among them), not every stratum of the file, so that memory grows with the file
/// and not with groups × strata (issue 26 item 16: a 3 MB file needed 1.5 GB).
#[test]
fn analyze_by_groups_hold_their_own_strata_only() {
    let mut text = String::from("g,s,time,status,arm\n");
    for i in 0..3000 {
        text += &format!("{i},s{i},1,1,0\n{i},s{i},2,1,1\n{i},t,3,0,1\n");
    }
    let cols = Columns { by: Some("g".into()), strata: Some("s".into()), ..Columns::default() };
    let groups = parse_with(&text, "b.csv", &cols).unwrap();
    assert_eq!(groups.len(), 3000);
    for (g, d) in &groups {
        assert_eq!(d.strata, [format!("s{g}"), "t".to_string()], "group {g}");
        let strata: Vec<u16> = d.obs.iter().map(|o| o.stratum).collect();
        assert_eq!(strata, [0, 0, 1], "group {g}");
    }
    // One data set keeps every stratum of the file, in the order of their labels.
    let d = &parse_with(
        "s,time,status,arm\nb,1,1,0\na,2,1,1\n",
        "x.csv",
        &Columns { strata: Some("s".into()), ..Columns::default() },
    )
    .unwrap()[0]
        .1;
    assert_eq!(d.strata, ["a", "b"]);
    assert_eq!(d.obs.iter().map(|o| o.stratum).collect::<Vec<_>>(), [1, 0]);
}

/// "control" and "Control" are one arm written two ways or two arms: not guessed.
#[test]
fn arm_labels_that_differ_only_in_case_are_refused() {
    let e = parse_with("time,status,arm\n1,1,control\n2,0,Control\n", "x.csv", &Columns::default()).unwrap_err().0;
    assert!(e.contains("differ only in case") && e.contains("--treatment"), "{e}");
    let named = Columns { treatment: Some("Control".into()), control: Some("control".into()), ..Columns::default() };
    let d = &parse_with("time,status,arm\n1,1,control\n2,0,Control\n", "x.csv", &named).unwrap()[0].1;
    assert_eq!(d.arm_labels, ["control".to_string(), "Control".to_string()]);
}

/// R's write.csv writes NA for a missing value: a record with neither time nor status (or
/// without a response) is left out and counted; one with only one of them is an error.
#[test]
fn records_without_an_observation_are_left_out_and_counted() {
    let d = &parse_with("time,status,arm\n1,1,0\nNA,NA,1\n,,0\n2,1.0,1\n", "x.csv", &Columns::default()).unwrap()[0].1;
    assert_eq!((d.obs.len(), d.excluded), (2, 2));
    assert_eq!(d.obs[1].status, 1);
    assert!(parse_with("time,status,arm\n1,1,0\nNA,1,1\n", "x.csv", &Columns::default()).is_err());
    let r = Columns { response: Some("orr".into()), ..Columns::default() };
    let d = &parse_with("arm,orr\n0,1\n1,NA\n", "x.csv", &r).unwrap()[0].1;
    assert_eq!((d.responses.len(), d.excluded), (1, 1));
}

#[test]
fn responses_are_read_without_time_and_status() {
    let text = "arm,orr\ncontrol,0\nrmhtnf,TRUE\nrmhtnf,1\n";
    let cols = Columns { response: Some("orr".into()), ..Columns::default() };
    let d = &parse_with(text, "b.csv", &cols).unwrap()[0].1;
    assert_eq!(d.responses, [(0, false), (1, true), (1, true)]);
    let e = parse_with("arm,orr\ncontrol,2\n", "b.csv", &cols).unwrap_err().0;
    assert!(e.contains("b.csv:2: response orr = \"2\""), "{e}");
}
