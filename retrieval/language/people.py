"""Word lists about people: titles stripped from names, role nouns, and gender hints.

Gender is only a hint for pronoun resolution ("she said" after two men and a woman); a person
whose gender is unknown is compatible with any pronoun.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """A word list written as one string."""
    return frozenset(text.split())


# Words that may precede a name inside a person's mention and are not part of the name.
TITLES = words(
    """
    mr mr. mrs mrs. ms ms. miss dr dr. sen sen. senator rep rep. representative gov gov. governor
    president vice gen gen. general attorney secretary speaker leader chairman chairwoman chair
    spokesman spokeswoman spokesperson press deputy minister prime prince princess king queen
    judge justice chief lt. lt col. col sgt. sgt capt. capt adm. adm mayor sheriff former
    first lady candidate nominee director ambassador commissioner rev. rev pastor father
    sister brother professor prof. councilman councilwoman councilmember alderman alderwoman
    assemblyman assemblywoman congressman congresswoman
    lawmaker senate house majority minority whip acting state u.s. us rabbi imam bishop
    ald ald. trustee chancellor assistant asst asst. atty atty. councillor councilor cr cr. cllr
    cllr. selectman selectwoman selectperson supervisor freeholder
    """
)

# Abbreviated titles the tokenizer of the small English model splits from their full stop
# ("Atty" "."), which then reads as a sentence's end inside "Assistant Atty. Gen. Ana Ruiz";
# extraction.load_nlp makes each one token.
TITLE_ABBREVIATIONS = words(
    """
    Atty. Asst. Supt. Det. Insp. Cmdr. Sgt. Lt. Capt. Col. Maj. Cpl. Pvt. Amb. Pres. Secy.
    Treas. Ald. Msgr. Hon. Sr. Esq. Dept.
    """
)

# Head nouns of an organisation's name or description ("the union", "the campaign").
ORG_HEADS = words(
    """
    house campaign committee department agency office administration government company
    party council court network newspaper magazine paper group organization organisation
    association union board commission bureau ministry embassy team service center centre
    institute foundation university school police fbi cia pentagon kremlin newsroom
    hospital coalition alliance firm league
    """
)

# The last word of an organisation's name that people leave out: "the Harlow Police" for the
# Harlow Police Department.
ORG_NAME_TAILS = words(
    "department dept office agency service inc corp corporation company co ltd llc"
)

# Small words inside a name ("Lieke de Wit", "Anouk van der Meer", "Ana dos Santos").
NAME_PARTICLES = words("de van der von den da das dos del della di du la le ten ter bin al")

# Titles that only ever precede a person's name: "Councilwoman X" is a person even when the
# tagger calls the span an organisation ("House", "State", "Secretary" are left out).
PERSON_TITLES = words(
    """
    mr mr. mrs mrs. ms ms. dr dr. sen sen. senator rep rep. gov gov. governor councilman
    councilwoman councilmember congressman congresswoman mayor judge sheriff gen gen. lt. col.
    sgt. capt. adm. rev. pastor prof. professor ambassador commissioner alderman alderwoman
    assemblyman assemblywoman spokesman spokeswoman councillor councilor cr cr. cllr cllr.
    selectman selectwoman selectperson freeholder
    """
)

# Nouns only a person can be: "Its head, Curtis Mbeki," names a person whatever the tagger
# made of the name (the role nouns below count too).
PERSON_NOUNS = words(
    """
    head chief executive founder owner boss editor author writer analyst economist professor
    researcher scientist expert resident member worker organizer organiser activist coach
    captain pastor doctor nurse teacher student father mother son daughter wife husband
    brother sister friend neighbor neighbour colleague partner principal superintendent
    trustee drummer guitarist singer bassist musician officer trooper detective deputy
    quarterback pitcher shortstop cornerback linebacker goalkeeper striker man woman boy
    girl patient victim witness survivor juror
    """
)

# Family words a story uses for a person it does not name ("an Annapolis mom", "the
# grandmother"), whom "she" or "he" may then mean.
KIN_WORDS = words(
    "mom dad grandma grandpa grandmother grandfather aunt uncle cousin niece nephew "
    "stepmother stepfather widow widower girlfriend boyfriend"
)

# More nouns of what a person is, written before a name ("Prosecutor Reid X", "Taylor's
# Grandmother Connie Y", "Painter Dana Z"): no part of the name. Kept apart from
# PERSON_NOUNS, whose words also make "the <noun>" a person of its own.
JOB_WORDS = KIN_WORDS | words(
    """
    grandson granddaughter grandparent stepson stepdaughter parent
    prosecutor plaintiff defendant inmate physician surgeon pharmacist paramedic firefighter
    painter sculptor novelist poet historian filmmaker photographer reporter journalist
    veterinarian engineer architect accountant chef homeowner landlord tenant shopkeeper
    """
)

# A player's position after the team's name ("the Lakers forward", "the Eagles running
# back"), which the tagger often reads as an adverb and leaves the team as the subject.
POSITION_WORDS = words(
    """
    forward back guard center centre winger midfielder defender striker goalkeeper keeper
    goalie quarterback pitcher catcher shortstop cornerback linebacker receiver lineman
    fullback halfback flanker infielder outfielder
    """
)

# Singular nouns for several people who speak as one, so a later "they" may be them: "Her
# family, who are devout, ... In a statement they said ...".
COLLECTIVE_NOUNS = words("family couple crew household")

# Nouns a story uses for someone it has just named, to avoid repeating the name ("Okafor
# scored twice ... the junior said"), and never for an unnamed source the way "the official" is.
EPITHET_NOUNS = words("freshman sophomore junior senior rookie veteran newcomer teenager")

FEMALE_WORDS = words(
    """
    mrs mrs. ms ms. miss spokeswoman congresswoman chairwoman councilwoman businesswoman
    woman wife mother daughter sister grandmother queen princess actress lady she her
    """
)
MALE_WORDS = words(
    """
    mr mr. spokesman congressman councilman businessman man husband father son brother
    grandfather king prince actor he him his
    """
)

# Common given names (US news) as a gender hint only.
FEMALE_NAMES = words(
    """
    mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty
    margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa deborah
    stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela
    emma nicole helen samantha katherine christine debra rachel carolyn janet catherine maria
    heather diane ruth julie olivia joyce virginia victoria kelly lauren christina joan
    evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa ann sara madison
    frances kathryn janice jean abigail alice judy sophia grace denise amber doris marilyn
    danielle beverly isabella theresa diana natalie brittany charlotte marie kayla alexis
    lori hillary chelsea ivanka melania kellyanne huma claire kirsten tammy dianne
    nikki condoleezza madeleine sonia hope kayleigh sheryl jill michele loretta
    susana jeanne debbie maxine keisha kamala tulsi heidi joni shelley cathy
    marsha kristi kristen tina jan carly sheila valerie nina stacey ilhan alexandria ayanna
    rashida nydia rosa liz marjorie kari katie elise meghan omarosa sanders
    """
) - {"sanders"}
MALE_NAMES = words(
    """
    james john robert michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy
    ronald edward jason jeffrey jeff ryan jacob gary nicholas eric jonathan stephen larry
    justin scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis
    jerry tyler aaron jose adam nathan henry douglas zachary peter kyle walter ethan jeremy
    harold keith christian roger noah gerald carl terry sean austin arthur lawrence jesse
    dylan bryan joe jordan billy bruce albert willie gabriel logan alan juan wayne roy ralph
    randy eugene vincent russell elijah louis bobby philip johnny mike bill barack bernie
    ted marco chris mitch chuck newt rudy reince jared tim rand lindsey
    rex jeb ben al ron orrin lamar harry dick dan mitt herman rick corey kellyan bob tom
    jim steve tony greg doug ken joel nick rob sam pete beto cory elizabeth vladimir xi
    emmanuel boris rod rahm howard hank ed fred bret
    """
) - {"elizabeth"}


def gender_of_first_name(first: str) -> str | None:
    f = first.lower().strip(".")
    if f in FEMALE_NAMES:
        return "f"
    if f in MALE_NAMES:
        return "m"
    return None


# What kind of organisation a name's own words say it is, so "the hospital" can find "St.
# Ann Medical Center" and "the company" "Acme Corp." when the text never said "a hospital".
# What a text calls a business: "the smartphone maker X ... the company said" is X.
BUSINESS_NOUNS = words(
    "company firm maker manufacturer automaker carmaker retailer producer supplier provider"
    " carrier operator developer publisher insurer lender chain startup conglomerate"
)

ORG_TYPES: dict[str, frozenset[str]] = {
    "hospital": words("hospital medical health healthcare clinic infirmary"),
    "company": words(
        "inc inc. corp corp. co co. llc ltd ltd. plc company corporation holdings industries"
        " technologies systems group enterprises partners"
    ),
    "university": words("university college"),
    "college": words("college"),
    "school": words("school academy"),
    "union": words("union local federation teamsters workers association guild brotherhood"),
    "bank": words("bank bancorp"),
    "airline": words("airlines airways air"),
    "newspaper": words("times post journal herald tribune ledger gazette news"),
    "paper": words("times post journal herald tribune ledger gazette"),
    "outlet": words("times post journal herald tribune ledger gazette news press media"),
}

# Titles and role nouns, each with the role word it stands for: "Sen." and "senator" are the
# senator, "Councilwoman" a council member, courtesy titles ("Mr.", "Dr.") stand for no role.
# The one table for both sides: ingest resolves "the senator" to "Sen. X" through it, and a
# question's "the chair" finds a committee chairman through it.
# fmt: off
TITLE_ROLES: dict[str, str] = {
    "sen": "senator", "sen.": "senator", "senator": "senator",
    "rep": "representative", "rep.": "representative", "representative": "representative",
    "congressman": "representative", "congresswoman": "representative",
    "lawmaker": "representative",
    "gov": "governor", "gov.": "governor", "governor": "governor",
    "president": "president", "pres": "president", "pres.": "president",
    "vice": "vice", "secretary": "secretary", "sec": "secretary", "sec.": "secretary",
    "mayor": "mayor", "judge": "judge", "justice": "justice", "gen": "general",
    "gen.": "general", "general": "general", "speaker": "speaker", "leader": "leader",
    "chairman": "chair", "chairwoman": "chair", "chair": "chair", "minister": "minister",
    "prime": "prime", "premier": "prime", "chancellor": "chancellor", "ceo": "ceo",
    "commissioner": "commissioner",
    "councilman": "council", "councilwoman": "council", "councilmember": "council",
    "councillor": "council", "councilor": "council", "cr": "council", "cr.": "council",
    "cllr": "council", "cllr.": "council",
    "mr": "", "mr.": "", "mrs": "", "mrs.": "", "ms": "", "ms.": "", "dr": "", "dr.": "",
    "prof": "", "prof.": "", "professor": "professor", "attorney": "attorney",
    "atty": "attorney", "atty.": "attorney",
    "lawyer": "attorney", "ambassador": "ambassador", "director": "director",
    "chief": "chief", "sheriff": "sheriff",
    "spokeswoman": "spokeswoman", "spokesman": "spokesman", "spokesperson": "spokesperson",
    "candidate": "candidate", "nominee": "nominee", "aide": "aide", "adviser": "adviser",
    "advisor": "adviser", "manager": "manager", "official": "official", "envoy": "envoy",
}
# fmt: on

# Which of them a later mention uses alone for someone named earlier ("the senator" for
# "Sen. X"), so that ingest takes such a noun for that person.
ROLE_KEYS: dict[str, str] = {
    title: TITLE_ROLES[title]
    for title in words(
        """
        sen. sen senator rep. rep representative congressman congresswoman lawmaker gov. gov
        governor president spokeswoman spokesman spokesperson secretary mayor candidate
        nominee ambassador chairman chairwoman chair director judge leader speaker aide
        adviser advisor manager attorney lawyer general official councilman councilwoman
        councilmember councillor councilor cr cr. cllr cllr. envoy minister chancellor premier
        prime
        """
    )
}

# Words before a role that leave it the same role ("the head coach" is the coach a story calls
# "Riverton coach"); any other ("deputy", "assistant", "supreme") makes another one.
SAME_ROLE_WORDS = words("head top lead main chief senior")

DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "our", "their"}
PRONOUNS = {"he", "she", "they", "him", "her", "them", "his", "hers", "it", "this person"}
NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
