//! One `.ann` line, split as brat's own reader splits it
//! (`server/src/annotation.py`): an id, a tab, the data, and after a second
//! tab a free "tail" (a `T` line's text, a note's text, a normalisation's
//! name). Nothing here looks at the `.txt`: `text_bound` checks a `T`
//! line's offsets against it.
//!
//! Invariants: every id a line points at is listed in `refs` as a byte
//! range of the line, so a caller can rename it without parsing again; the
//! line's own id is `line[..id.len()]`. Errors name the line's id and what
//! the line should look like, never the line number (the caller adds it).

/// What kind of annotation a line is, from the first character of its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// `T`: a text-bound annotation (an entity, an event's trigger).
    Text,
    /// `E`: an event, `Type:Trigger Role:Arg …`.
    Event,
    /// `R`: a binary relation, `Type Arg1:X Arg2:Y`.
    Relation,
    /// `A`, or `M` (brat's older modifier form): an attribute of any annotation.
    Attribute,
    /// `N`: a normalisation, `Reference Target DB:ID\tname`.
    Normalisation,
    /// `#`: a note on any annotation, `AnnotatorNotes Target\ttext`.
    Note,
    /// `*`: an equivalence, `Type X Y …` (no id of its own).
    Equivalence,
}

/// What the line says beyond its kind, for the kinds a record can hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body<'a> {
    /// `offsets` as written (`start end;start end`); `quoted` the tail
    /// after the tab, `None` when the line has no tab.
    Text { label: &'a str, offsets: &'a str, quoted: Option<&'a str> },
    /// `roles` as written (`Arg1`, `Arg2` in brat's own files); `tail`
    /// whatever follows a second tab (brat writes an empty one).
    Relation { label: &'a str, roles: [&'a str; 2], tail: &'a str },
    /// `value` `None` for a flag (`A1\tNegated T3`).
    Attribute { name: &'a str, value: Option<&'a str>, tail: &'a str },
    /// `kind` is `AnnotatorNotes` for brat's notes; `text` the tail.
    Note { kind: &'a str, text: &'a str },
    /// Events, normalisations, equivalences: kept as written.
    Other,
}

/// One parsed line.
#[derive(Debug, Clone)]
pub(crate) struct AnnLine<'a> {
    pub kind: Kind,
    /// `T3`, `E1`, `#2`…; `*` for an equivalence.
    pub id: &'a str,
    /// Byte ranges in the line of every id it points at, in order
    /// (an event's trigger first, then its arguments).
    pub refs: Vec<(usize, usize)>,
    pub body: Body<'a>,
}

impl AnnLine<'_> {
    /// The ids this line points at, as written.
    pub fn targets<'l>(&'l self, line: &'l str) -> impl Iterator<Item = &'l str> + 'l {
        self.refs.iter().map(move |&(a, b)| &line[a..b])
    }
}

/// Words separated by whitespace (Python's `str.split()`), with the byte
/// offset of each in the line (`base` is where `s` starts).
fn words(s: &str, base: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(a)) => {
                out.push((base + a, &s[a..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(a) = start {
        out.push((base + a, &s[a..]));
    }
    out
}

/// `Role:Id` at byte `at`: the role and the id's byte range.
fn role_arg(word: &str, at: usize) -> Option<(&str, (usize, usize))> {
    let (role, id) = word.split_once(':')?;
    if role.is_empty() || id.is_empty() || id.contains(':') {
        return None;
    }
    let start = at + role.len() + 1;
    Some((role, (start, start + id.len())))
}

/// Parses one line (without its line end). Blank lines are the caller's.
pub(crate) fn parse(line: &str) -> Result<AnnLine<'_>, String> {
    let (id, rest) = line.split_once('\t').ok_or("an annotation line is an id, a tab, then its data")?;
    if id.is_empty() || id.chars().any(char::is_whitespace) {
        return Err(format!("'{id}' is not a brat annotation id (T, R, E, A, M, N, # or *, then a number)"));
    }
    let data_at = id.len() + 1;
    // brat: the data runs to the next tab; what follows it is the tail.
    let (data, tail) = match rest.split_once('\t') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let tail_or_empty = tail.unwrap_or("");
    let kind = match id.chars().next() {
        Some('T') => Kind::Text,
        Some('E') => Kind::Event,
        Some('R') => Kind::Relation,
        Some('A') | Some('M') => Kind::Attribute,
        Some('N') => Kind::Normalisation,
        Some('#') => Kind::Note,
        Some('*') if id == "*" => Kind::Equivalence,
        _ => return Err(format!("'{id}' is not a brat annotation id (T, R, E, A, M, N, # or *, then a number)")),
    };
    let (refs, body) = match kind {
        Kind::Text => text_bound(id, data, tail)?,
        Kind::Event => (event(id, data, data_at)?, Body::Other),
        Kind::Relation => relation(id, data, data_at, tail_or_empty)?,
        Kind::Attribute => attribute(id, data, data_at, tail_or_empty)?,
        Kind::Normalisation => (normalisation(id, data, data_at)?, Body::Other),
        Kind::Note => note(id, data, data_at, tail_or_empty)?,
        Kind::Equivalence => (equivalence(data, data_at)?, Body::Other),
    };
    Ok(AnnLine { kind, id, refs, body })
}

type Parsed<'a> = (Vec<(usize, usize)>, Body<'a>);

fn text_bound<'a>(id: &str, data: &'a str, tail: Option<&'a str>) -> Result<Parsed<'a>, String> {
    let (label, offsets) = data
        .split_once(' ')
        .filter(|(label, _)| !label.is_empty())
        .ok_or_else(|| format!("{id} needs a label and offsets, as 'LABEL start end'"))?;
    Ok((Vec::new(), Body::Text { label, offsets, quoted: tail }))
}

/// `Type:Trigger Role:Arg …` (brat: the type and trigger up to the first
/// space, then arguments split at whitespace; an event may have none).
fn event(id: &str, data: &str, at: usize) -> Result<Vec<(usize, usize)>, String> {
    let shape = || format!("{id} should read 'Type:Trigger Role:Arg …', not '{data}'");
    let (head, args) = data.split_once(' ').unwrap_or((data, ""));
    let (_, trigger) = role_arg(head, at).ok_or_else(shape)?;
    let mut refs = vec![trigger];
    for (word_at, word) in words(args, at + head.len() + 1) {
        let (_, arg) = role_arg(word, word_at).ok_or_else(shape)?;
        refs.push(arg);
    }
    Ok(refs)
}

/// `Type Role1:X Role2:Y`: exactly two arguments with different roles.
fn relation<'a>(id: &str, data: &'a str, at: usize, tail: &'a str) -> Result<Parsed<'a>, String> {
    let shape = || format!("{id} should read 'Type Arg1:<id> Arg2:<id>', not '{data}'");
    let (label, args) = data.split_once(' ').ok_or_else(shape)?;
    let args = words(args, at + label.len() + 1);
    let [(a_at, a), (b_at, b)] = args.as_slice() else { return Err(shape()) };
    let ((role_a, ref_a), (role_b, ref_b)) = (role_arg(a, *a_at).ok_or_else(shape)?, role_arg(b, *b_at).ok_or_else(shape)?);
    if label.is_empty() || role_a == role_b {
        return Err(shape());
    }
    Ok((vec![ref_a, ref_b], Body::Relation { label, roles: [role_a, role_b], tail }))
}

/// `Name Target` (a flag) or `Name Target Value` (brat: the value is the
/// rest of the data, spaces included).
fn attribute<'a>(id: &str, data: &'a str, at: usize, tail: &'a str) -> Result<Parsed<'a>, String> {
    let mut parts = data.splitn(3, ' ');
    let (name, target, value) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next());
    if name.is_empty() || target.is_empty() || value == Some("") {
        return Err(format!("{id} should read 'name target' or 'name target value', not '{data}'"));
    }
    let start = at + name.len() + 1;
    Ok((vec![(start, start + target.len())], Body::Attribute { name, value, tail }))
}

/// `Type Target DB:ID`, the name of the entry in the tail.
fn normalisation(id: &str, data: &str, at: usize) -> Result<Vec<(usize, usize)>, String> {
    let parts = words(data, at);
    match parts.as_slice() {
        [_, (target_at, target), (_, reference)]
            if reference.split_once(':').is_some_and(|(db, entry)| !db.is_empty() && !entry.is_empty()) =>
        {
            Ok(vec![(*target_at, target_at + target.len())])
        }
        _ => Err(format!("{id} should read 'Reference <id> DB:ID', not '{data}'")),
    }
}

/// `Type Target`, the note's text in the tail.
fn note<'a>(id: &str, data: &'a str, at: usize, text: &'a str) -> Result<Parsed<'a>, String> {
    match words(data, at).as_slice() {
        [(_, kind), (target_at, target)] => Ok((vec![(*target_at, target_at + target.len())], Body::Note { kind, text })),
        _ => Err(format!("{id} should read 'AnnotatorNotes <id>', a tab, then the note, not '{data}'")),
    }
}

/// `Type X Y …`: every word after the type is an id.
fn equivalence(data: &str, at: usize) -> Result<Vec<(usize, usize)>, String> {
    let parts = words(data, at);
    if parts.len() < 2 {
        return Err(format!("* should read 'Type <id> <id> …', not '{data}'"));
    }
    Ok(parts[1..].iter().map(|&(a, w)| (a, a + w.len())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(line: &str) -> Vec<String> {
        let parsed = parse(line).unwrap();
        parsed.targets(line).map(String::from).collect()
    }

    #[test]
    fn finds_every_id_a_line_points_at() {
        // Lines from brat's tutorials (news/000-introduction, news/110-note_annotation).
        assert_eq!(
            targets("E1\tTransfer-money:T3 Giver-Arg:T1 Money-Arg:T2 Beneficiary-Arg:T4 Recipient-Arg:T6"),
            ["T3", "T1", "T2", "T4", "T6"]
        );
        assert_eq!(targets("R2\tOrigin Arg1:T6 Arg2:T7\t"), ["T6", "T7"]);
        assert_eq!(targets("A5\tConfidence E1 High"), ["E1"]);
        assert_eq!(targets("N1\tReference T5 Wikipedia:64488\tCarlos Salinas de Gortari"), ["T5"]);
        assert_eq!(targets("#3\tAnnotatorNotes R1\tShould this be marked? It's not explicitly stated."), ["R1"]);
        assert_eq!(targets("*\tAlias T3 T4 T5"), ["T3", "T4", "T5"]);
        assert_eq!(targets("E7\tBinding:T23"), ["T23"]);
        assert!(targets("T1\tOrganization 418 426\tCitibank").is_empty());
    }

    #[test]
    fn reads_each_kind_as_brat_does() {
        let line = "A1\tStance T1 not sure";
        assert_eq!(parse(line).unwrap().body, Body::Attribute { name: "Stance", value: Some("not sure"), tail: "" });
        assert_eq!(parse("M1\tNegation E1").unwrap().body, Body::Attribute { name: "Negation", value: None, tail: "" });
        assert_eq!(
            parse("R1\tFamily Arg1:T6 Arg2:T7\t").unwrap().body,
            Body::Relation { label: "Family", roles: ["Arg1", "Arg2"], tail: "" }
        );
        assert_eq!(parse("#1\tAnnotatorNotes T1").unwrap().body, Body::Note { kind: "AnnotatorNotes", text: "" });
        assert_eq!(
            parse("T2\tMoney 456 468\t$100 million").unwrap().body,
            Body::Text { label: "Money", offsets: "456 468", quoted: Some("$100 million") }
        );
        assert_eq!(parse("*\tEquiv T1 T2").unwrap().id, "*");
        // Byte ranges, not character counts: the label before the id is not ASCII.
        let line = "A1\tGoïta🇲🇱 T12";
        let parsed = parse(line).unwrap();
        assert_eq!(parsed.targets(line).collect::<Vec<_>>(), ["T12"]);
    }

    #[test]
    fn says_what_a_malformed_line_should_read() {
        let err = |line: &str| parse(line).unwrap_err();
        assert_eq!(err("E1 Sign:T1"), "an annotation line is an id, a tab, then its data");
        assert_eq!(err("X1\tfoo"), "'X1' is not a brat annotation id (T, R, E, A, M, N, # or *, then a number)");
        assert_eq!(err("*1\tEquiv T1 T2"), "'*1' is not a brat annotation id (T, R, E, A, M, N, # or *, then a number)");
        assert_eq!(err("E1\tSign Agent:T1"), "E1 should read 'Type:Trigger Role:Arg …', not 'Sign Agent:T1'");
        assert_eq!(err("E1\tSign:T1 Agent"), "E1 should read 'Type:Trigger Role:Arg …', not 'Sign:T1 Agent'");
        assert_eq!(err("R1\tabout Arg1:T1"), "R1 should read 'Type Arg1:<id> Arg2:<id>', not 'about Arg1:T1'");
        assert_eq!(err("R1\tabout Arg1:T1 Arg1:T2"), "R1 should read 'Type Arg1:<id> Arg2:<id>', not 'about Arg1:T1 Arg1:T2'");
        assert_eq!(err("A1\tNegated"), "A1 should read 'name target' or 'name target value', not 'Negated'");
        assert_eq!(err("N1\tReference T1 Wikipedia"), "N1 should read 'Reference <id> DB:ID', not 'Reference T1 Wikipedia'");
        assert_eq!(err("#1\tAnnotatorNotes\tx"), "#1 should read 'AnnotatorNotes <id>', a tab, then the note, not 'AnnotatorNotes'");
        assert_eq!(err("*\tEquiv"), "* should read 'Type <id> <id> …', not 'Equiv'");
        assert_eq!(err("T1\tORG\tWagner"), "T1 needs a label and offsets, as 'LABEL start end'");
    }
}
