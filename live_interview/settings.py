"""Settings for Active Interview, read from the environment in this one place.

Every value a deployment may change comes from an environment variable; the defaults make
``make run`` work on a fresh machine (SQLite, in-memory channel layer, offline interviewer).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from live_interview.proxies import parse_trusted_proxies

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read an integer environment variable, failing fast on garbage."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "Set DJANGO_SECRET_KEY, or DJANGO_DEBUG=1 for local development."
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The public address of the site (scheme, host and port, no path): links in emails sent outside a
# request (an interview completed over a socket, a review) point here. Development serves on PORT locally.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/")
if not SITE_URL:
    if DEBUG or TESTING:
        SITE_URL = f"http://localhost:{env_int('PORT', 8000)}"
    else:
        raise ImproperlyConfigured(
            "DJANGO_SITE_URL is required when DJANGO_DEBUG is off (the address emailed links point to), "
            "e.g. DJANGO_SITE_URL=https://interview.example.com."
        )
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.hostname or _site.path or _site.query or _site.fragment:
    raise ImproperlyConfigured(f"DJANGO_SITE_URL must be like https://interview.example.com, got {SITE_URL!r}")

# Pages allowed to open WebSockets, compared by scheme, host and port (live_interview/origins.py), besides
# a page of the socket's own origin (its Host, one of ALLOWED_HOSTS): the site and the CSRF-trusted origins,
# plus the local addresses of `make run` in development.
_dev_origins = [f"http://{host}:{env_int('PORT', 8000)}" for host in ("localhost", "127.0.0.1", "[::1]")]
WEBSOCKET_ALLOWED_ORIGINS = list(
    dict.fromkeys([f"{_site.scheme}://{_site.netloc}", *CSRF_TRUSTED_ORIGINS, *(_dev_origins if DEBUG else [])])
)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "interview",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "live_interview.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request's client address, browser and user, for audit events written by services (interview/audit/).
    "interview.audit.context.audit_origin_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "interview.accounts.middleware.MfaEnrolmentMiddleware",
    "interview.accounts.middleware.ProviderFormActionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "live_interview.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "interview.accounts.context_processors.product",
            ],
        },
    },
]

WSGI_APPLICATION = "live_interview.wsgi.application"
ASGI_APPLICATION = "live_interview.asgi.application"

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
_db: dict[str, Any]  # dj_database_url's DBConfig has no key for the SQLite pool size
if DATABASE_URL:
    _db = dict(dj_database_url.parse(DATABASE_URL))
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(BASE_DIR / "db.sqlite3")}

if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend plus a pool of idle connections per file (live_interview/sqlite/base.py):
    # without it every database call opens a connection and closes it again. 0 turns it off.
    _db["ENGINE"] = "live_interview.sqlite"
    _db["POOL_SIZE"] = env_int("DJANGO_SQLITE_POOL", 8)
    # WAL lets readers run beside the writer; IMMEDIATE avoids upgrade deadlocks between writers.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file (not :memory:) so a daphne process started by a test can share it; one per run.
    _db["TEST"] = {
        "NAME": os.environ.get("DJANGO_TEST_DB", str(Path(tempfile.gettempdir()) / f"ai_test_{os.getpid()}.sqlite3"))
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI each request may run on a different thread: a pool beats persistent connections.
    _db["CONN_MAX_AGE"] = 0
    _db.setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DJANGO_DB_POOL_MIN", 1),
        "max_size": env_int("DJANGO_DB_POOL_MAX", 10),
        "timeout": 10,
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels ---------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# "pubsub" (default): Redis fans a group message out once per process, and this process's own sockets
# get it directly (live_interview/channel_layers.py, docs/performance.md); "channels-pubsub":
# channels-redis' pub/sub layer as it ships; "core": its list-based layer, a round trip per message per socket.
CHANNEL_REDIS_LAYER = os.environ.get("CHANNEL_REDIS_LAYER", "pubsub").strip() or "pubsub"
_PUBSUB_LAYERS = {
    "pubsub": "live_interview.channel_layers.DirectPubSubChannelLayer",
    "channels-pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}
if REDIS_URL and CHANNEL_REDIS_LAYER in _PUBSUB_LAYERS:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": _PUBSUB_LAYERS[CHANNEL_REDIS_LAYER],
            "CONFIG": {"hosts": [REDIS_URL], "prefix": os.environ.get("CHANNEL_PREFIX", "asgi")},
        }
    }
elif REDIS_URL and CHANNEL_REDIS_LAYER == "core":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "capacity": env_int("CHANNEL_CAPACITY", 200),
                "expiry": 30,
                "prefix": os.environ.get("CHANNEL_PREFIX", "asgi"),
            },
        }
    }
elif REDIS_URL:
    raise ImproperlyConfigured(
        f"CHANNEL_REDIS_LAYER must be 'pubsub', 'channels-pubsub' or 'core', got {CHANNEL_REDIS_LAYER!r}"
    )
else:
    CHANNEL_LAYERS = {
        "default": {
            # channels.layers.InMemoryChannelLayer without its per-message deep copies and sweeps.
            "BACKEND": "live_interview.channel_layers.LocalChannelLayer",
            "CONFIG": {"capacity": env_int("CHANNEL_CAPACITY", 200), "expiry": 30},
        }
    }

# --- Cache ------------------------------------------------------------------------------------
# Login throttling (allauth's rate limits and the API token endpoint), used TOTP codes and email resend
# limits live here: Redis when REDIS_URL is set, so every process counts the same attempts.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One backend (its stored path names existing sessions): allauth's, accepting a username or an email.
AUTHENTICATION_BACKENDS = ["interview.auth_backends.UsernameOrEmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Sign-in (django-allauth; docs/operations.md "Sign-in") -------------------------------------
ACCOUNT_ADAPTER = "interview.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "interview.accounts.adapters.SocialAccountAdapter"
ACCOUNT_FORMS = {"signup": "interview.accounts.forms.SignupForm", "login": "interview.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# "optional": a new account may log in at once; features that need a proven address (invitations) ask for it.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional").strip() or "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = _site.scheme
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Active Interview] "
# The number of wrong passwords allowed per account and per client address in LOGIN_FAILED_WINDOW_SECONDS;
# the next attempt (right password included) is refused until the window moves on. The API token endpoint
# counts in the same buckets (interview/accounts/throttling.py).
LOGIN_FAILED_LIMIT = env_int("LOGIN_FAILED_LIMIT", 10)
LOGIN_FAILED_WINDOW_SECONDS = env_int("LOGIN_FAILED_WINDOW_SECONDS", 900)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{LOGIN_FAILED_LIMIT}/{LOGIN_FAILED_WINDOW_SECONDS}s/ip,"
    f"{LOGIN_FAILED_LIMIT}/{LOGIN_FAILED_WINDOW_SECONDS}s/key",
    "login": os.environ.get("ACCOUNT_RATE_LIMIT_LOGIN", "30/m/ip"),
    "signup": os.environ.get("ACCOUNT_RATE_LIMIT_SIGNUP", "20/m/ip"),
    "reset_password": os.environ.get("ACCOUNT_RATE_LIMIT_RESET_PASSWORD", "20/m/ip,5/m/key"),
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
    "reauthenticate": "10/m/user",
}
# Client addresses come from REMOTE_ADDR, which live_interview/proxies.py sets from DJANGO_TRUSTED_PROXIES
# only: allauth must not read X-Forwarded-For itself (the adapter's get_client_ip says so too).
ALLAUTH_TRUSTED_PROXY_COUNT = 0
# Roles that must enrol a second factor (TOTP) at their next login before anything else; admin included.
MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES", "admin,interviewer")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Active Interview")
SOCIALACCOUNT_AUTO_SIGNUP = True
# A provider's email never logs into (or links to) an existing account by itself: the owner signs in and
# connects the provider from their account page.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
# Seconds allauth waits for an identity provider (discovery, token, userinfo, keys) before giving up.
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("SOCIALACCOUNT_REQUESTS_TIMEOUT", 5)
try:
    OIDC_PROVIDERS: list[dict[str, Any]] = json.loads(os.environ.get("OIDC_PROVIDERS", "").strip() or "[]")
except json.JSONDecodeError as exc:
    raise ImproperlyConfigured(f"OIDC_PROVIDERS must be a JSON list of apps: {exc}") from exc
if not isinstance(OIDC_PROVIDERS, list):
    raise ImproperlyConfigured("OIDC_PROVIDERS must be a JSON list of openid_connect apps")


def _social_app(prefix: str) -> list[dict[str, str]]:
    """One app from <PREFIX>_CLIENT_ID and <PREFIX>_CLIENT_SECRET, or none (then the admin's social apps)."""
    client_id = os.environ.get(f"{prefix}_CLIENT_ID", "").strip()
    secret = os.environ.get(f"{prefix}_CLIENT_SECRET", "").strip()
    return [{"client_id": client_id, "secret": secret}] if client_id else []


# Extra origins a provider's login page may send the browser to (CSP form-action), for an OpenID Connect
# provider whose authorization endpoint is not on its server_url's origin; Google, GitHub, Microsoft and
# each provider's server_url are allowed on their own pages already (interview/accounts/middleware.py).
SOCIALACCOUNT_FORM_ACTION_ORIGINS = env_list("SOCIALACCOUNT_FORM_ACTION_ORIGINS")
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, Any]] = {
    "google": {"APPS": _social_app("GOOGLE"), "SCOPE": ["openid", "profile", "email"]},
    "github": {"APPS": _social_app("GITHUB"), "SCOPE": ["read:user", "user:email"]},
    "microsoft": {
        "APPS": _social_app("MICROSOFT"),
        "TENANT": os.environ.get("MICROSOFT_TENANT", "organizations").strip() or "organizations",
    },
    "openid_connect": {"APPS": OIDC_PROVIDERS, "OAUTH_PKCE_ENABLED": True},
}

# --- I18N, static, media ----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# daphne serves our few static files itself unless a front proxy does (DJANGO_SERVE_STATIC=0).
SERVE_STATIC = env_bool("DJANGO_SERVE_STATIC", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security (production defaults; DEBUG relaxes them) ---------------------------------------
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The proxies in front of daphne: a count ("1") or their addresses ("10.0.0.2,10.1.0.0/16"); none by
# default. Only their X-Forwarded-For/-Proto are believed (live_interview/proxies.py), and DRF's
# throttles count the same client address; from anyone else those headers are dropped.
try:
    TRUSTED_PROXIES = parse_trusted_proxies(os.environ.get("DJANGO_TRUSTED_PROXIES", ""))
except ValueError as exc:
    raise ImproperlyConfigured(f"DJANGO_TRUSTED_PROXIES must be a count or addresses: {exc}") from exc
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere (templates load static/js and static/css only); connect-src also
# gets the page's own ws(s):// origin, added per request by live_interview.csp.
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
# Report violations in the browser console instead of blocking (to try a stricter policy safely).
CSP_REPORT_ONLY = env_bool("DJANGO_CSP_REPORT_ONLY", default=False)
# Path prefixes served without the header (none: Django admin and the API docs work under it).
CSP_EXEMPT_PATHS: list[str] = env_list("DJANGO_CSP_EXEMPT_PATHS")

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated call gets 401 with WWW-Authenticate rather than 403.
        "interview.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # X-Forwarded-For as live_interview/proxies.py reads it: a count of proxies is DRF's own rule; with
    # a list of addresses the middleware has already put the client in REMOTE_ADDR.
    "NUM_PROXIES": TRUSTED_PROXIES if isinstance(TRUSTED_PROXIES, int) else 0,
}
# API tokens older than this many days are refused (401) until a new one is obtained; 0: never expire.
# A token is also deleted when its user's password changes or the user is deactivated.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 0)
SPECTACULAR_SETTINGS = {
    "TITLE": "Active Interview API",
    "DESCRIPTION": "Resumes, job listings, interviews, reports and invitations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "interview.models.core.UserProfile.ROLE_CHOICES",
        "ChatStatusEnum": "interview.models.core.Chat.STATUS_CHOICES",
        "ReportStatusEnum": "interview.models.core.ExportableReport.STATUS_CHOICES",
        "InvitationStatusEnum": "interview.models.core.InvitedInterview.STATUS_CHOICES",
        "RoleRequestStatusEnum": "interview.models.core.RoleChangeRequest.STATUS_CHOICES",
    },
}

# --- Admin exports (django-import-export) -----------------------------------------------------
# Text a spreadsheet would run as a formula is escaped in every format by interview/admin/resources.py (an
# apostrophe before =, +, -, @, tab, CR): this option of import-export's only strips a leading "=" and
# turns every cell (numbers, blanks) into text, so it stays off.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# Control characters (illegal in XLSX) become U+FFFD instead of failing the whole export.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# --- LLM --------------------------------------------------------------------------------------
OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "").strip()
OPENAI_BASE_URL = os.environ.get("OPENAI_BASE_URL", "").strip()
OPENAI_MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o").strip() or "gpt-4o"
# The offline interviewer is used when neither a key nor a base URL is configured.
LLM_OFFLINE = not (OPENAI_API_KEY or OPENAI_BASE_URL)
# The provider's name on the consent page (docs/operations.md "Consent"); empty: "OpenAI" or
# "OpenAI-compatible server", from OPENAI_BASE_URL.
LLM_PROVIDER_NAME = os.environ.get("LLM_PROVIDER_NAME", "").strip()
# Practice chats and documents of accounts inactive this many days are purged (0 keeps everything).
DATA_RETENTION_DAYS = env_int("DATA_RETENTION_DAYS", 365)
DATA_RETENTION_WARNING_DAYS = 14
LLM_CONNECT_TIMEOUT = float(os.environ.get("LLM_CONNECT_TIMEOUT", "5"))
LLM_FIRST_TOKEN_TIMEOUT = float(os.environ.get("LLM_FIRST_TOKEN_TIMEOUT", "30"))
LLM_CHUNK_GAP_TIMEOUT = float(os.environ.get("LLM_CHUNK_GAP_TIMEOUT", "20"))
LLM_MAX_RETRIES = env_int("LLM_MAX_RETRIES", 2)
# The most tokens one response may have, per purpose (sent as max_tokens), so a model that never stops is cut off.
LLM_MAX_TOKENS_TURN = env_int("LLM_MAX_TOKENS_TURN", 800)
LLM_MAX_TOKENS_GRADING = env_int("LLM_MAX_TOKENS_GRADING", 3000)
LLM_MAX_TOKENS_PARSING = env_int("LLM_MAX_TOKENS_PARSING", 1500)
LLM_MAX_TOKENS_FOLLOW_UP = env_int("LLM_MAX_TOKENS_FOLLOW_UP", 300)
# A long resume's experience list needs more room than a job listing's facts (issue 21).
LLM_MAX_TOKENS_RESUME_PARSING = env_int("LLM_MAX_TOKENS_RESUME_PARSING", 4000)
# Per 1K tokens (prompt, completion) in USD; merged over interview.llm.pricing.DEFAULT_PRICES.
LLM_PRICES: dict[str, tuple[float, float]] = {}
# Written on every TokenUsage row so spend can be attributed to a deployment or branch.
TOKEN_BRANCH_NAME = os.environ.get("TOKEN_BRANCH_NAME", "main")

# --- Product limits ---------------------------------------------------------------------------
ANSWER_MAX_CHARS = env_int("ANSWER_MAX_CHARS", 8000)
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# Resumes plus job listings one user may add in any hour (0: unlimited).
UPLOAD_MAX_PER_HOUR = env_int("UPLOAD_MAX_PER_HOUR", 20)

# --- Extraction sandbox (docs/operations.md) ----------------------------------------------------
# A process that starts an extraction child becomes undumpable first: same-user processes can then
# neither read its /proc/<pid>/environ nor ptrace it (nor can py-spy attach, nor is a core dumped).
UNDUMPABLE = env_bool("DJANGO_UNDUMPABLE", default=True)
# Who the child runs as when the server runs as root: a user name, a uid or "uid:gid".
EXTRACTION_CHILD_USER = os.environ.get("EXTRACTION_CHILD_USER", "nobody").strip()
# A report may be regenerated by a user at most once in this many seconds (each regeneration costs a grading call).
REPORT_REGENERATE_COOLDOWN_SECONDS = env_int("REPORT_REGENERATE_COOLDOWN_SECONDS", 300)
# The sandboxed text extraction of each upload (interview/extraction/limits.py explains each limit).
EXTRACTION_TIMEOUT_SECONDS = float(os.environ.get("EXTRACTION_TIMEOUT_SECONDS", "30"))
EXTRACTION_MEMORY_MB = env_int("EXTRACTION_MEMORY_MB", 2048)
EXTRACTION_MAX_PAGES = env_int("EXTRACTION_MAX_PAGES", 30)
DOCUMENT_MAX_TEXT_CHARS = env_int("DOCUMENT_MAX_TEXT_CHARS", 100_000)
# A parse or report still "in progress" this long after its worker claimed it is declared interrupted.
JOB_PARSE_STALE_MINUTES = float(os.environ.get("JOB_PARSE_STALE_MINUTES", "15"))
REPORT_STALE_MINUTES = float(os.environ.get("REPORT_STALE_MINUTES", "15"))
# The weights of the default rubric (chats without a template, and chats from before rubrics); a template's rubric
# carries its own weights (docs/operations.md, "Report weights and rubrics").
REPORT_WEIGHTS: dict[str, float] = {"professionalism": 0.25, "subject_knowledge": 0.45, "clarity": 0.30}
# A TrueType font for characters the PDF report's built-in fonts lack (else one found on the system).
REPORT_PDF_FALLBACK_FONT = os.environ.get("REPORT_PDF_FALLBACK_FONT", "").strip()
# Email verification links last this long; a new one can be requested this often.
EMAIL_VERIFICATION_MAX_AGE_SECONDS = env_int("EMAIL_VERIFICATION_MAX_AGE_SECONDS", 3 * 24 * 3600)
EMAIL_VERIFICATION_RESEND_SECONDS = env_int("EMAIL_VERIFICATION_RESEND_SECONDS", 60)
# A started invitation's chat is closed by the settler this long after its window ended.
INVITATION_ABANDON_GRACE_SECONDS = float(os.environ.get("INVITATION_ABANDON_GRACE_SECONDS", "60"))
# Audit events are kept this many days, then purged by the settle loop (manage.py invitations_settle); 0 keeps them.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 730)
if AUDIT_RETENTION_DAYS < 0:
    raise ImproperlyConfigured(f"AUDIT_RETENTION_DAYS must be 0 (keep forever) or more, got {AUDIT_RETENTION_DAYS}")

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The folder django.core.mail.backends.filebased.EmailBackend writes each message to (the E2E tests read it).
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", "").strip() or None
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Active Interview <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Background tasks (django-tasks, the backport of Django 6's django.tasks) -------------------
# The database backend is durable: `manage.py db_worker` (started by `make run`) runs the tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Live interview ---------------------------------------------------------------------------
# Deltas are gathered this long before a frame goes out (the per-frame hop is the dominant cost).
STREAM_COALESCE_MS = env_int("STREAM_COALESCE_MS", 30)
# The streaming assistant text is saved at most this often (plus once at the end).
STREAM_SAVE_INTERVAL_SECONDS = float(os.environ.get("STREAM_SAVE_INTERVAL_SECONDS", "1.0"))
# Threads running the live path's database calls (interview/live/dblane.py); 0 picks by database:
# 1 on SQLite, 2 on PostgreSQL (docs/performance.md, change 18).
LIVE_DB_THREADS = env_int("LIVE_DB_THREADS", 0)
if not 0 <= LIVE_DB_THREADS <= 16:
    raise ImproperlyConfigured(f"LIVE_DB_THREADS must be 0 (by database) to 16, got {LIVE_DB_THREADS}")
# The lease of a reply being generated: its process renews it every third of this (free with the
# partial saves); a reply whose lease has passed is marked failed (retryable) by the deadline watcher
# or the next connection, and the time lost is given back to the interview. Detection takes at most
# this plus DEADLINE_SWEEP_SECONDS.
GENERATION_LEASE_SECONDS = float(os.environ.get("GENERATION_LEASE_SECONDS", "6.0"))
# Open sockets are checked again (session, password, active, role, access to the chat) at least this
# often, in one batched read per process; logouts and role or password changes are applied at once.
SOCKET_RECHECK_SECONDS = float(os.environ.get("SOCKET_RECHECK_SECONDS", "5.0"))
# Answers are accepted this long after a key question's deadline (network latency).
KEY_QUESTION_GRACE_SECONDS = float(os.environ.get("KEY_QUESTION_GRACE_SECONDS", "2.0"))
KEY_QUESTION_TIME_LIMITS = {"easy": 120, "medium": 180, "hard": 300}
# A follow-up's time limit is this share of its key question's limit (at least 60 seconds).
FOLLOW_UP_TIME_LIMIT_RATIO = float(os.environ.get("FOLLOW_UP_TIME_LIMIT_RATIO", "0.5"))
# How long the interviewer may take to decide on a follow-up; past it the interview goes on without one.
FOLLOW_UP_DECISION_TIMEOUT_SECONDS = float(os.environ.get("FOLLOW_UP_DECISION_TIMEOUT_SECONDS", "10"))
# An observer's pause of a live interview ends by itself after this many seconds (the watcher resumes it).
PAUSE_MAX_SECONDS = env_int("PAUSE_MAX_SECONDS", 900)
DEFAULT_KEY_QUESTION_COUNT = env_int("DEFAULT_KEY_QUESTION_COUNT", 5)
# How often each server process looks for overdue key questions set by other processes.
DEADLINE_SWEEP_SECONDS = float(os.environ.get("DEADLINE_SWEEP_SECONDS", "2.0"))
# Reading pace of the offline interviewer (words per second; 0 streams at once).
LLM_OFFLINE_WORDS_PER_SECOND = float(os.environ.get("LLM_OFFLINE_WORDS_PER_SECOND", "12"))

# --- Rate limits and concurrent generations (issue 20) ---
# Requests per user to the endpoints that cost model calls or a sandboxed extraction (page and API alike,
# docs/operations.md "Rate limits"): django-ratelimit counts them in the default cache, so in Redis when
# REDIS_URL is set (every process counts the same requests), per process otherwise. A value is one or more
# comma-separated django-ratelimit rates ("5/m,30/h": both hold); RATE_LIMITS (JSON) overrides any of them.
_RATE_LIMIT_DEFAULTS = {
    "chat_create": "5/m,30/h",  # a new interview may send the resume and listing to the model at once
    "report_regenerate": "3/m,20/h",  # each is a grading call (one report also has its own cooldown)
    "document_reparse": "3/m,20/h",  # each is a parsing call
    "document_upload": "10/m,60/h",  # attempts, refused files included (UPLOAD_MAX_PER_HOUR counts stored ones)
}
try:
    _rate_overrides = json.loads(os.environ.get("RATE_LIMITS", "").strip() or "{}")
except ValueError as exc:
    raise ImproperlyConfigured(f'RATE_LIMITS must be a JSON object, e.g. {{"chat_create": "10/h"}}: {exc}') from exc
if not isinstance(_rate_overrides, dict) or set(_rate_overrides) - set(_RATE_LIMIT_DEFAULTS):
    raise ImproperlyConfigured(f"RATE_LIMITS must be a JSON object with keys among {sorted(_RATE_LIMIT_DEFAULTS)}")
RATE_LIMITS: dict[str, str] = {**_RATE_LIMIT_DEFAULTS, **_rate_overrides}
for _name, _rates in RATE_LIMITS.items():
    if not isinstance(_rates, str) or not re.fullmatch(r"\d+/\d*[smhd](,\d+/\d*[smhd])*", _rates.replace(" ", "")):
        raise ImproperlyConfigured(f"RATE_LIMITS[{_name!r}] must be rates like '5/m,30/h', got {_rates!r}")
# Installed for its system checks of the cache it counts in.
INSTALLED_APPS.append("django_ratelimit")
# django-ratelimit checks the default cache: its own list misses Django's RedisCache, whose add (SET NX) and
# incr (INCR) are atomic, so W001 is noise. Without REDIS_URL (development, tests, the single-process
# deployment) the cache is locmem: per process, which is exact for one process, so E003 is silenced there only.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", *([] if REDIS_URL else ["django_ratelimit.E003"])]
# Replies being written at once for one user, over all their interviews: an answer or a start past it is
# refused (`too_many_generations`) before anything is stored; clock-driven turns are never refused.
MAX_CONCURRENT_GENERATIONS_PER_USER = env_int("MAX_CONCURRENT_GENERATIONS_PER_USER", 2)
if MAX_CONCURRENT_GENERATIONS_PER_USER < 1:
    raise ImproperlyConfigured(
        f"MAX_CONCURRENT_GENERATIONS_PER_USER must be 1 or more, got {MAX_CONCURRENT_GENERATIONS_PER_USER}"
    )
# --- Quotas and spending cap (issue 20) --------------------------------------------------------
# Daily LLM tokens per user by role, as JSON ('{"candidate": 200000, "interviewer": 1000000}'); a role not
# listed, or the variable unset, is unlimited. A user's UserProfile.daily_token_budget (Django admin) wins.
# The day ends at midnight in TIME_ZONE (docs/operations.md "Quotas and spending cap").


def _daily_tokens(raw: str) -> dict[str, int]:
    """Parse LLM_DAILY_TOKENS, failing fast with the reason when it is not a JSON object of whole numbers ≥ 0."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f'LLM_DAILY_TOKENS must be JSON like {{"candidate": 200000}}: {exc}') from exc
    if not isinstance(value, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value.values()
    ):
        raise ImproperlyConfigured("LLM_DAILY_TOKENS must map roles to whole numbers of tokens (0 or more).")
    return {str(role): int(tokens) for role, tokens in value.items()}


LLM_DAILY_TOKENS = _daily_tokens(os.environ.get("LLM_DAILY_TOKENS", ""))
# The monthly spending cap in USD from the price table (0: no cap). Admins are emailed once a month at
# LLM_BUDGET_ALERT_PERCENT; at 100 % new interviews use the offline interviewer ("offline") or are refused ("refuse").
try:
    LLM_MONTHLY_BUDGET_USD = max(0.0, float(os.environ.get("LLM_MONTHLY_BUDGET_USD", "0").strip() or "0"))
except ValueError as exc:
    raise ImproperlyConfigured("LLM_MONTHLY_BUDGET_USD must be a number of US dollars.") from exc
LLM_BUDGET_EXCEEDED = os.environ.get("LLM_BUDGET_EXCEEDED", "offline").strip().lower() or "offline"
if LLM_BUDGET_EXCEEDED not in ("offline", "refuse"):
    raise ImproperlyConfigured('LLM_BUDGET_EXCEEDED must be "offline" or "refuse".')
LLM_BUDGET_ALERT_PERCENT = 80
# The prompt of an interview turn as the invitation check estimates it (system prompt, questions, transcript).
LLM_TYPICAL_PROMPT_TOKENS = env_int("LLM_TYPICAL_PROMPT_TOKENS", 1500)
