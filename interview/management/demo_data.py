"""The demo content `manage.py seed_demo` loads: tags, question banks and interview templates, as plain data."""

from __future__ import annotations

from typing import NamedTuple

EASY, MEDIUM, HARD = "easy", "medium", "hard"
GEN, SKL, PER, FIN = "GEN", "SKL", "PER", "FIN"


class DemoQuestion(NamedTuple):
    text: str
    difficulty: str
    interview_type: str
    tags: tuple[str, ...]


class DemoBank(NamedTuple):
    name: str
    description: str
    questions: tuple[DemoQuestion, ...]


class DemoTemplate(NamedTuple):
    name: str
    description: str
    difficulty: int
    question_count: int
    easy_percentage: int
    medium_percentage: int
    hard_percentage: int
    tags: tuple[str, ...]
    banks: tuple[str, ...]


Q = DemoQuestion

TAGS: tuple[str, ...] = (
    "algorithms",
    "api-design",
    "behavioral",
    "career-goals",
    "cloud",
    "communication",
    "data-structures",
    "devops",
    "django",
    "javascript",
    "leadership",
    "performance",
    "problem-solving",
    "python",
    "security",
    "sql",
    "system-design",
    "teamwork",
    "testing",
    "time-management",
)

# One question per line keeps the tables scannable; ruff format would split the long ones.
# fmt: off
GENERAL_BANK = DemoBank(
    name="General Interview Essentials",
    description="Openers and general questions that fit almost any software role.",
    questions=(
        Q("Walk me through your background and what led you to apply for this role.", EASY, GEN, ("communication", "career-goals")),
        Q("What interests you about our company and this position in particular?", EASY, GEN, ("career-goals",)),
        Q("Which project on your resume are you proudest of, and what exactly was your part in it?", EASY, GEN, ("communication", "problem-solving")),
        Q("How do you keep your technical skills current?", EASY, GEN, ("career-goals",)),
        Q("What does a productive workday look like for you?", EASY, GEN, ("time-management",)),
        Q("How would your last manager describe your strengths?", EASY, GEN, ("communication", "career-goals")),
        Q("Tell me about a time you had to learn an unfamiliar technology quickly to deliver something. How did you approach it?", MEDIUM, GEN, ("problem-solving", "career-goals")),
        Q("How do you prioritise when several deadlines land in the same week?", MEDIUM, GEN, ("time-management", "communication")),
        Q("How do you explain a technical problem to someone without a technical background? Give me an example.", MEDIUM, GEN, ("communication",)),
        Q("What kind of feedback helps you most, and what did you change after the last piece of feedback you received?", MEDIUM, GEN, ("communication", "career-goals")),
        Q("Walk me through how you turn a vague request into a task you can start on today.", MEDIUM, GEN, ("problem-solving", "time-management")),
        Q("How do you decide when a piece of work is good enough to ship?", MEDIUM, GEN, ("problem-solving", "testing")),
        Q("Tell me about a decision you made with incomplete information. What did you weigh, and how did it turn out?", HARD, GEN, ("problem-solving", "leadership")),
        Q("Describe a project that failed or was cancelled. What would you do differently with hindsight?", HARD, GEN, ("problem-solving", "communication")),
        Q("If you joined and found a codebase with no tests and weekly production incidents, what would you do in your first 90 days?", HARD, GEN, ("testing", "leadership")),
        Q("Where is the biggest gap between how your current team builds software and how you think it should be built?", HARD, GEN, ("communication", "problem-solving")),
    ),
)

PYTHON_BANK = DemoBank(
    name="Python & Django Engineering",
    description="Technical questions for Python and Django back-end roles, from language basics to production scaling.",
    questions=(
        Q("What is the difference between a list and a tuple in Python, and when would you choose each?", EASY, SKL, ("python", "data-structures")),
        Q("What is a Python virtual environment, and why does every project use one?", EASY, SKL, ("python", "devops")),
        Q("What does the Django ORM do for you, and how does a model class map to a database table?", EASY, SKL, ("django", "sql")),
        Q("What is a Django migration, and what is the difference between makemigrations and migrate?", EASY, SKL, ("django", "sql")),
        Q("How do you write and run a simple unit test in Python?", EASY, SKL, ("python", "testing")),
        Q("What is the difference between == and is in Python?", EASY, SKL, ("python",)),
        Q("Which HTTP methods would you use to create, read, update and delete a resource in a REST API, and which of them are idempotent?", EASY, SKL, ("api-design",)),
        Q("What is the N+1 query problem in Django, and how do select_related and prefetch_related solve it?", MEDIUM, SKL, ("django", "sql", "performance")),
        Q("How do Python decorators work? Describe one you have written or relied on in production.", MEDIUM, SKL, ("python",)),
        Q("How does Django's middleware chain handle a request on the way in and the response on the way out?", MEDIUM, SKL, ("django",)),
        Q("What are generators in Python, and when would you use one instead of building a list?", MEDIUM, SKL, ("python", "performance")),
        Q("How does Django protect forms against CSRF, and why does the attack work in the first place?", MEDIUM, SKL, ("django", "security")),
        Q("How do you decide what belongs in a unit test and what belongs in an integration test for a Django view?", MEDIUM, SKL, ("django", "testing")),
        Q("What is a database transaction, and where would you use transaction.atomic in a Django project?", MEDIUM, SKL, ("django", "sql")),
        Q("What is the difference between authentication and authorisation, and how does Django handle each?", MEDIUM, SKL, ("django", "security")),
        Q("What does the Global Interpreter Lock limit, and how would you parallelise CPU-bound versus I/O-bound work in Python?", HARD, SKL, ("python", "performance")),
        Q("A Django endpoint takes four seconds under load. Walk me through how you would find and fix the bottleneck.", HARD, SKL, ("django", "performance", "sql")),
        Q("How would you add a non-nullable column to a table with 50 million rows without downtime?", HARD, SKL, ("django", "sql", "devops")),
        Q("Two requests update the same row at once and one change is silently lost. How do you detect and prevent that in Django?", HARD, SKL, ("django", "sql")),
        Q("How would you design permissions in a multi-tenant Django application so one tenant can never see another tenant's data?", HARD, SKL, ("django", "security")),
        Q("How do async views under ASGI differ from views under WSGI, and when does going async actually help?", HARD, SKL, ("django", "python", "performance")),
    ),
)

WEB_DATA_BANK = DemoBank(
    name="Web & Data Fundamentals",
    description="JavaScript, SQL and web platform questions for full-stack and junior roles.",
    questions=(
        Q("What is the difference between let, const and var in JavaScript?", EASY, SKL, ("javascript",)),
        Q("What does an inner join return compared with a left join?", EASY, SKL, ("sql",)),
        Q("What is the DOM, and how does JavaScript change what the user sees on the page?", EASY, SKL, ("javascript",)),
        Q("What happens, step by step, between typing a URL into the browser and seeing the page?", EASY, SKL, ("api-design", "performance")),
        Q("What is a database index, what does it speed up, and what does it cost you?", MEDIUM, SKL, ("sql", "performance")),
        Q("Explain the JavaScript event loop. Why does a long-running loop freeze the page?", MEDIUM, SKL, ("javascript", "performance")),
        Q("How do promises and async/await relate, and how do you handle errors with each?", MEDIUM, SKL, ("javascript",)),
        Q("How would you write a SQL query that returns each customer's most recent order?", MEDIUM, SKL, ("sql",)),
        Q("What is CORS, and why is it enforced by the browser rather than the server?", MEDIUM, SKL, ("javascript", "security")),
        Q("How do you prevent SQL injection and cross-site scripting in an application that displays user-supplied content?", MEDIUM, SKL, ("security", "sql")),
        Q("How would you track down and fix a memory leak in a long-lived single-page application?", HARD, SKL, ("javascript", "performance")),
        Q("Explain the SQL transaction isolation levels. Which anomalies does each prevent, and what does your database default to?", HARD, SKL, ("sql",)),
    ),
)

ALGORITHMS_BANK = DemoBank(
    name="Data Structures & Algorithms",
    description="Problem-solving questions on core data structures, complexity and classic algorithms.",
    questions=(
        Q("What is the difference between an array and a linked list, and when would you pick each?", EASY, SKL, ("data-structures",)),
        Q("What does Big-O notation describe, and what is the typical cost of looking up a key in a hash map?", EASY, SKL, ("algorithms", "data-structures")),
        Q("How would you check whether a string is a palindrome, and what is the complexity of your approach?", EASY, SKL, ("algorithms",)),
        Q("How would you detect a cycle in a linked list using constant extra space?", MEDIUM, SKL, ("data-structures", "algorithms")),
        Q("Given an unsorted list of integers and a target, how would you find two numbers that add up to the target faster than O(n²)?", MEDIUM, SKL, ("algorithms", "data-structures")),
        Q("What is the difference between breadth-first and depth-first search? Give a problem suited to each.", MEDIUM, SKL, ("algorithms", "data-structures")),
        Q("How would you design an LRU cache with O(1) get and put?", MEDIUM, SKL, ("data-structures", "algorithms")),
        Q("How would you find the k most frequent words in a file too large to fit in memory?", HARD, SKL, ("algorithms", "data-structures", "performance")),
        Q("Explain dynamic programming with a problem you have solved. How did you spot the overlapping subproblems?", HARD, SKL, ("algorithms",)),
        Q("How would you merge k sorted lists efficiently, and what is the complexity of your approach?", HARD, SKL, ("algorithms", "data-structures")),
    ),
)

SYSTEM_DESIGN_BANK = DemoBank(
    name="System Design",
    description="Architecture and scaling questions, from load balancers to globally distributed systems.",
    questions=(
        Q("What is a load balancer, and why would you put one in front of your web servers?", EASY, SKL, ("system-design", "cloud")),
        Q("What is caching, and where in a typical web application would you add a cache?", EASY, SKL, ("system-design", "performance")),
        Q("What is the difference between scaling vertically and scaling horizontally?", EASY, SKL, ("system-design", "cloud")),
        Q("Design a URL shortener. What does the data model look like, and how do you generate the short codes?", MEDIUM, SKL, ("system-design", "sql")),
        Q("When would you put a message queue between two services, and what new failure modes does it introduce?", MEDIUM, SKL, ("system-design", "cloud")),
        Q("How would you design rate limiting for a public API?", MEDIUM, SKL, ("system-design", "api-design", "security")),
        Q("What does the CAP theorem say, and how has it shaped a design decision you made?", MEDIUM, SKL, ("system-design",)),
        Q("How would you version a public REST API without breaking existing clients?", MEDIUM, SKL, ("api-design", "system-design")),
        Q("Design a real-time chat service for millions of concurrent connections. How does a message reach the right sockets?", HARD, SKL, ("system-design", "cloud", "performance")),
        Q("Design the news feed for a social network. Would you fan out on write or on read, and why?", HARD, SKL, ("system-design", "performance")),
        Q("How would you design payment processing so each payment is charged exactly once, even when requests are retried?", HARD, SKL, ("system-design", "security")),
        Q("Our primary database is close to capacity. Walk me through the options, from the cheapest fix up to sharding.", HARD, SKL, ("system-design", "sql", "cloud")),
        Q("How would you design logging, metrics, tracing and alerting for a platform of forty microservices?", HARD, SKL, ("system-design", "devops", "cloud")),
    ),
)

BEHAVIORAL_BANK = DemoBank(
    name="Behavioral & Culture Fit",
    description="Behavioral questions (answered best in STAR form) about teamwork, conflict, ownership and values.",
    questions=(
        Q("What kind of team environment do you do your best work in?", EASY, PER, ("teamwork", "behavioral")),
        Q("What do you do when you are stuck on a problem and cannot make progress?", EASY, PER, ("problem-solving", "behavioral")),
        Q("Tell me about a colleague you enjoyed working with. What made the collaboration work?", EASY, PER, ("teamwork",)),
        Q("How do you balance working independently with keeping your team informed?", EASY, PER, ("teamwork", "communication")),
        Q("What motivates you to do your best work, and what drains your motivation?", EASY, PER, ("behavioral",)),
        Q("Tell me about a time you disagreed with a teammate on a technical approach. How was it resolved?", MEDIUM, PER, ("behavioral", "teamwork", "communication")),
        Q("Describe a mistake you made that affected other people. What did you do next?", MEDIUM, PER, ("behavioral",)),
        Q("Tell me about a time you had to deliver bad news to a stakeholder.", MEDIUM, PER, ("communication", "behavioral")),
        Q("Give an example of a time you went beyond what was asked of you. Why did you decide to?", MEDIUM, PER, ("behavioral",)),
        Q("Describe a time priorities changed suddenly in the middle of your work. How did you adapt?", MEDIUM, PER, ("behavioral", "time-management")),
        Q("How do you handle a code review in which you strongly disagree with the reviewer?", MEDIUM, PER, ("teamwork", "communication")),
        Q("Tell me about a time you helped a teammate who was struggling.", MEDIUM, PER, ("teamwork", "leadership")),
        Q("Tell me about working for several months with someone whose style clashed with yours. What did you change, and what did they?", HARD, PER, ("teamwork", "behavioral")),
        Q("Describe a time you pushed back on a request from a manager or client. How did you make your case, and what happened?", HARD, PER, ("communication", "leadership")),
        Q("Tell me about a time you noticed an ethical or security problem in your team's work. What did you do about it?", HARD, PER, ("behavioral", "security")),
        Q("Describe a time you changed a team's decision without having any formal authority.", HARD, PER, ("leadership", "communication")),
    ),
)

FINAL_BANK = DemoBank(
    name="Final Round",
    description="Final-screening questions on motivation, expectations, judgement and leadership.",
    questions=(
        Q("Why are you looking to leave your current role?", EASY, FIN, ("career-goals",)),
        Q("What are your salary expectations, and how did you arrive at them?", EASY, FIN, ("career-goals", "communication")),
        Q("When could you start, and are there commitments we should plan around?", EASY, FIN, ("career-goals",)),
        Q("What would you like to know about the team or the role before making a decision?", EASY, FIN, ("communication",)),
        Q("Where do you want to be in three years, and how does this role help you get there?", MEDIUM, FIN, ("career-goals",)),
        Q("What would make you turn down an offer from us?", MEDIUM, FIN, ("career-goals", "communication")),
        Q("What would you want to have accomplished after your first 30, 60 and 90 days here?", MEDIUM, FIN, ("career-goals", "leadership")),
        Q("What do you need from a manager to do your best work?", MEDIUM, FIN, ("leadership", "communication")),
        Q("If we called your references, what would they say you should work on?", MEDIUM, FIN, ("behavioral", "communication")),
        Q("Tell me about the most significant technical decision you owned end to end. What were the trade-offs, and would you make it again?", HARD, FIN, ("leadership", "system-design")),
        Q("How would you grow an engineering team from five people to twenty without losing quality or culture?", HARD, FIN, ("leadership", "teamwork")),
        Q("How would you set the technical direction for a product when engineering, product and sales disagree?", HARD, FIN, ("leadership", "communication")),
        Q("What strongly held engineering opinion have you changed your mind about, and what changed it?", HARD, FIN, ("leadership", "communication")),
        Q("How do you decide when to pay down technical debt instead of shipping features, and how do you convince others?", HARD, FIN, ("leadership", "system-design")),
        Q("Tell me about a time you had to move an underperforming person off a project or out of the team. How did you handle it?", HARD, FIN, ("leadership", "behavioral")),
    ),
)

# fmt: on

BANKS: tuple[DemoBank, ...] = (
    GENERAL_BANK,
    PYTHON_BANK,
    WEB_DATA_BANK,
    ALGORITHMS_BANK,
    SYSTEM_DESIGN_BANK,
    BEHAVIORAL_BANK,
    FINAL_BANK,
)

# Each template's question_count is small enough that its banks, filtered by its tags, can fill
# every difficulty share (tests/test_seed_demo.py checks this).
TEMPLATES: tuple[DemoTemplate, ...] = (
    DemoTemplate(
        name="Entry-Level Fundamentals",
        description="A gentle first interview: background, motivation, teamwork and communication.",
        difficulty=1,
        question_count=8,
        easy_percentage=75,
        medium_percentage=25,
        hard_percentage=0,
        tags=("communication", "teamwork", "career-goals", "problem-solving"),
        banks=(GENERAL_BANK.name, BEHAVIORAL_BANK.name),
    ),
    DemoTemplate(
        name="Junior Developer Screen",
        description="Programming fundamentals in Python, JavaScript, SQL and basic data structures.",
        difficulty=2,
        question_count=10,
        easy_percentage=50,
        medium_percentage=40,
        hard_percentage=10,
        tags=("python", "javascript", "sql", "data-structures", "algorithms", "testing"),
        banks=(PYTHON_BANK.name, WEB_DATA_BANK.name, ALGORITHMS_BANK.name),
    ),
    DemoTemplate(
        name="Culture Fit Conversation",
        description="Behavioral questions about collaboration, conflict and ownership.",
        difficulty=2,
        question_count=8,
        easy_percentage=40,
        medium_percentage=45,
        hard_percentage=15,
        tags=("behavioral", "teamwork", "communication"),
        banks=(BEHAVIORAL_BANK.name,),
    ),
    DemoTemplate(
        name="Mid-Level Technical",
        description="Django, SQL, testing and algorithms at the depth expected after a few years in the job.",
        difficulty=3,
        question_count=12,
        easy_percentage=20,
        medium_percentage=55,
        hard_percentage=25,
        tags=("python", "django", "sql", "testing", "algorithms", "data-structures"),
        banks=(PYTHON_BANK.name, WEB_DATA_BANK.name, ALGORITHMS_BANK.name),
    ),
    DemoTemplate(
        name="Senior System Design",
        description="Architecture, scaling and reliability trade-offs for senior engineers.",
        difficulty=4,
        question_count=8,
        easy_percentage=10,
        medium_percentage=40,
        hard_percentage=50,
        tags=("system-design", "cloud", "performance", "api-design"),
        banks=(SYSTEM_DESIGN_BANK.name, PYTHON_BANK.name),
    ),
    DemoTemplate(
        name="Principal Engineer Loop",
        description="Hard system design, technical leadership and judgement questions for staff and principal roles.",
        difficulty=5,
        question_count=10,
        easy_percentage=0,
        medium_percentage=30,
        hard_percentage=70,
        tags=("system-design", "leadership", "communication"),
        banks=(SYSTEM_DESIGN_BANK.name, FINAL_BANK.name, BEHAVIORAL_BANK.name),
    ),
)
