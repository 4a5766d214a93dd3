"""Fences around the upstream internals that our hand-written infrastructure is built on.

Seven modules use more than the public API of the libraries under them:

- `live_interview/channel_layers.py` subclasses channels' `InMemoryChannelLayer` (its `channels` and
  `groups` dicts, the (expires, message) entries `_clean_expired` reads) and channels-redis' pub/sub
  layer (`_get_layer`, `_layers`, `_args`, `_kwargs`, `utils._wrap_close`, the loop layer's `_shards`,
  `_get_shard`, `_get_group_channel_name`, the shard's `host`, `_ensure_redis`, `_redis`,
  `_receive_message`, and `_do_receiving`, whose loop it repeats), and pipelines publishes through
  redis-py on that private `_redis`. `interview/live/sockets.py` repeats channels'
  `AsyncConsumer.__call__` with a receive of its own (the direct path for deltas).
- `live_interview/sqlite/base.py` overrides `get_new_connection` and `_close` of Django's SQLite
  backend and relies on how `connect()` and `close()` call them.
- `live_interview/sessions.py` replaces channels' `SessionMiddleware` for WebSockets: it resolves the
  session with `InstanceSessionWrapper.resolve_session` and passes the server's `send` on, because the
  wrapper's `send` acts only on the message types in `save_message_types` and
  `cookie_response_message_types` (an HTTP response start, which a socket never sends).
- `interview/core/prepared.py` keeps what Django's query compiler computes for a queryset (`as_sql`,
  `select`, `col_count`, `klass_info`, `get_converters`, `has_composite_fields`) and builds objects
  with `get_related_populators` and `RelatedPopulator.populate`, as `ModelIterable` does; it builds
  an UPDATE from fields' `get_db_prep_save`/`pre_save`/`cast_db_type` and the backend's
  `requires_casted_case_in_updates`, as `SQLUpdateCompiler` and `bulk_update` do.
- `interview/llm/transport.py` implements httpcore2's network-backend interface and puts it into the
  private `_pool._network_backend` of httpx2's transport.
- `interview/llm/openai_provider.py` sends a streamed request through the openai client's low-level
  `post` (with its `security` auth option and `stream_cls`) and reads the server-sent events of the
  returned `AsyncStream.response` itself. (`bench/relay.py` also uses `with_streaming_response`.)

Each test checks some of those names or shapes, without a network or a database. The first tests
check that each of these packages is pinned in requirements.txt at the installed version.

When a test fails
-----------------
The message names the package, its installed version, the name that changed and the module that
relies on it. Do not just edit the expectation until it passes. Read the upstream change (its
changelog and the source of the named class), then adapt the module that relies on it, or drop the
customisation if upstream now does what we needed. Run that module's own tests
(tests/test_channel_layer_pubsub.py, tests/test_sqlite_pool.py, tests/test_llm_transport.py,
tests/test_llm_openai_provider.py), and only then update the expectation here. A failing pin means a
package was upgraded: read the upstream diff between the two versions for every name listed here,
then move the pin.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.metadata
import inspect
import json
import re
import time
import types
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings


class Fence:
    """Checks on one upstream package; every failure names the package, its version and who relies on it."""

    def __init__(self, package: str, user: str) -> None:
        self.package, self.user = package, user

    @property
    def version(self) -> str:
        try:
            return importlib.metadata.version(self.package)
        except importlib.metadata.PackageNotFoundError:
            return "(not installed)"

    def check(self, ok: object, name: str, detail: str, user: str | None = None) -> None:
        if not ok:
            pytest.fail(
                f"\n\nUPSTREAM CONTRACT BROKEN: {self.package} {self.version}: `{name}` changed: {detail}.\n"
                f"{user or self.user} relies on it. Read the upstream change, adapt that module and run its tests,"
                " then update this expectation (see the docstring of tests/test_upstream_contracts.py).\n"
            )

    def get(self, module: str, name: str) -> Any:
        """`module.name`, failing loudly when the module or the name is gone."""
        try:
            loaded = importlib.import_module(module)
        except ImportError as exc:
            self.check(False, module, f"the module cannot be imported ({exc})")
        self.check(hasattr(loaded, name), f"{module}.{name}", "the name is gone from its module")
        return getattr(loaded, name)

    def attr(self, owner: Any, name: str) -> Any:
        """`owner.name` (a class or module attribute), failing loudly when it is gone."""
        self.check(hasattr(owner, name), f"{label(owner)}.{name}", "it is gone")
        return getattr(owner, name)

    def params(self, owner: Any, name: str, expected: list[str]) -> None:
        actual = params(self.attr(owner, name))
        self.check(actual == expected, f"{label(owner)}.{name}", f"its parameters are now {actual}, not {expected}")

    def reads(self, owner: Any, name: str, expected: set[str], why: str) -> None:
        missing = sorted(expected - names_read(self.attr(owner, name)))
        self.check(not missing, f"{label(owner)}.{name}", f"its code no longer reads {missing} ({why})")

    def subclass_fits(self, sub: type, base: type, overrides: set[str]) -> None:
        """Each method in `overrides` is on `base` with the same parameters; no other name of `sub` is on `base`."""
        for name, value in vars(sub).items():
            if name.startswith("__"):
                continue
            where = f"{base.__qualname__}.{name}"
            if name not in overrides:
                self.check(
                    not hasattr(base, name), where, f"upstream now defines it, and ours ({sub.__name__}) hides it"
                )
                continue
            self.check(hasattr(base, name), where, f"it is gone, and {sub.__name__} overrides it")
            theirs = getattr(base, name)
            detail = f"its signature is now {inspect.signature(theirs)}, {sub.__name__}'s {inspect.signature(value)}"
            self.check(shape(theirs) == shape(value), where, detail)
        missing = sorted(overrides - set(vars(sub)))
        self.check(not missing, f"{base.__qualname__}.{missing}", f"{sub.__name__} does not implement them")

    def instance_adds(self, sub_instance: Any, base_instance: Any, adds: set[str]) -> None:
        """Our subclass's instances add exactly `adds` to the base's attributes (a clash shrinks the difference)."""
        added = set(vars(sub_instance)) - set(vars(base_instance))
        clash = sorted(adds - added)
        name = f"{type(base_instance).__qualname__} attributes {clash}"
        self.check(not clash, name, f"upstream now sets them, and ours ({type(sub_instance).__name__}) too")
        assert added == adds, f"{type(sub_instance).__name__} now adds {sorted(added - adds)}: list them in this fence"


def label(owner: Any) -> str:
    return getattr(owner, "__qualname__", None) or owner.__name__


def params(func: Any) -> list[str]:
    return list(inspect.signature(func).parameters)


def shape(func: Any) -> list[tuple[str, Any, bool]]:
    """Parameter names, kinds and whether each has a default: what an override must repeat."""
    return [(p.name, p.kind, p.default is not p.empty) for p in inspect.signature(func).parameters.values()]


def names_read(func: Any) -> set[str]:
    """The global and attribute names a function's code reads, nested functions included."""
    found: set[str] = set()
    codes = [inspect.unwrap(func).__code__]
    while codes:
        code = codes.pop()
        found.update(code.co_names)
        codes.extend(const for const in code.co_consts if isinstance(const, types.CodeType))
    return found


def ours(module: str) -> Any:
    """One of our modules, imported here so that a missing upstream name fails the tests, not the collection."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        pytest.fail(
            f"\n\n{module} cannot be imported ({exc}): an upstream name it imports is gone (see test_upstream_names_importable).\n"
        )


CHANNELS = Fence("channels", "live_interview/channel_layers.py")
CHANNELS_REDIS = Fence("channels-redis", "live_interview/channel_layers.py")
REDIS = Fence("redis", "live_interview/channel_layers.py")
DJANGO = Fence("django", "live_interview/sqlite/base.py")
DJANGO_ORM = Fence("django", "interview/core/prepared.py")
HTTPCORE = Fence("httpcore2", "interview/llm/transport.py")
HTTPX = Fence("httpx2", "interview/llm/transport.py and interview/llm/openai_provider.py")
OPENAI = Fence("openai", "interview/llm/openai_provider.py")
FENCES = [CHANNELS, CHANNELS_REDIS, REDIS, DJANGO, HTTPCORE, HTTPX, OPENAI]

# Every upstream name those modules import or reach through a module: (fence, module, names).
IMPORTS = [
    (CHANNELS, "channels.exceptions", "ChannelFull"),
    (CHANNELS, "channels.layers", "InMemoryChannelLayer"),
    (CHANNELS_REDIS, "channels_redis.pubsub", "RedisPubSubChannelLayer RedisPubSubLoopLayer _async_proxy"),
    (CHANNELS_REDIS, "channels_redis.pubsub", "RedisSingleShardConnection"),
    (CHANNELS_REDIS, "channels_redis.utils", "_wrap_close"),
    (REDIS, "redis.asyncio", "Redis"),
    (DJANGO, "django.db.backends.sqlite3.base", "DatabaseWrapper Database async_unsafe"),
    (DJANGO, "django.db.backends.base.base", "BaseDatabaseWrapper"),
    (HTTPCORE, "httpcore2", "AsyncNetworkBackend AsyncNetworkStream AsyncConnectionPool AsyncHTTPProxy"),
    (HTTPCORE, "httpcore2", "ConnectError ConnectTimeout ReadError ReadTimeout WriteError WriteTimeout"),
    (HTTPX, "httpx2", "AsyncHTTPTransport AsyncClient Limits Timeout HTTPError ConnectTimeout Headers Response"),
    (OPENAI, "openai", "AsyncOpenAI AsyncStream DefaultAsyncHttpx2Client omit"),
    (OPENAI, "openai", "OpenAIError APIError APIStatusError APIConnectionError APITimeoutError"),
    (OPENAI, "openai._constants", "DEFAULT_CONNECTION_LIMITS"),
    (OPENAI, "openai._models", "SecurityOptions"),
    (OPENAI, "openai._types", "RequestOptions"),
    (OPENAI, "openai.types.chat", "ChatCompletion ChatCompletionChunk ChatCompletionMessageParam"),
    (OPENAI, "openai.types.chat.completion_create_params", "ResponseFormat"),
    (OPENAI, "openai.types.completion_usage", "CompletionUsage"),
]

REDIS_HOST = {"address": "redis://127.0.0.1:1"}  # never connected to: these tests only build the objects


# --- pins -----------------------------------------------------------------------------------------


def _pins() -> dict[str, str]:
    pins = {}
    for line in (Path(settings.BASE_DIR) / "requirements.txt").read_text().splitlines():
        if match := re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^]]*\])?\s*==\s*([^\s;#]+)", line):
            pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return pins


@pytest.mark.parametrize("fence", FENCES, ids=lambda fence: fence.package)
def test_requirements_pin_installed_version(fence):
    pinned = _pins().get(fence.package)
    assert pinned is not None, (
        f"\n\nrequirements.txt does not pin {fence.package}, whose internals {fence.user} relies on: "
        f"pin it (==) at the installed {fence.version}.\n"
    )
    assert fence.version == pinned, (
        f"\n\nUPSTREAM VERSION CHANGED: {fence.package} {fence.version} is installed, requirements.txt pins {pinned}.\n"
        f"{fence.user} relies on its internals: re-read each name tests/test_upstream_contracts.py lists against"
        " the new version, then move the pin.\n"
    )


@pytest.mark.parametrize(
    ("fence", "module", "names"), IMPORTS, ids=[f"{m}:{n.replace(' ', ',')}" for _, m, n in IMPORTS]
)
def test_upstream_names_importable(fence, module, names):
    for name in names.split():
        fence.get(module, name)


# --- channels: LocalChannelLayer ------------------------------------------------------------------


def test_channels_in_memory_layer_state_shapes():
    layer_class = CHANNELS.get("channels.layers", "InMemoryChannelLayer")
    layer = layer_class(expiry=30, group_expiry=60, capacity=7)
    for name in ("channels", "groups"):
        CHANNELS.check(isinstance(getattr(layer, name, None), dict), f"InMemoryChannelLayer.{name}", "not a dict")
    settings_reached = (layer.expiry, layer.group_expiry, layer.get_capacity("x")) == (30, 60, 7)
    CHANNELS.check(settings_reached, "InMemoryChannelLayer(expiry, group_expiry, capacity)", "not kept as before")
    CHANNELS.check({"groups", "flush"} <= set(layer.extensions), "InMemoryChannelLayer.extensions", "changed")
    CHANNELS.params(layer_class, "require_valid_channel_name", ["self", "name", "receive"])
    CHANNELS.params(layer_class, "require_valid_group_name", ["self", "name"])
    CHANNELS.params(layer_class, "_clean_expired", ["self"])


def test_channels_local_layer_fits_in_memory_layer():
    layer_class = CHANNELS.get("channels.layers", "InMemoryChannelLayer")
    local = ours("live_interview.channel_layers").LocalChannelLayer
    CHANNELS.subclass_fits(local, layer_class, overrides={"send", "receive", "group_send"})
    CHANNELS.instance_adds(local(), layer_class(), adds={"_next_sweep", "sinks"})


def test_channels_consumer_call_is_what_chat_socket_repeats():
    """`ChatSocket.__call__` (interview/live/sockets.py) repeats AsyncConsumer.__call__ with its own layer receive."""
    consumer = CHANNELS.get("channels.consumer", "AsyncConsumer")
    CHANNELS.params(consumer, "__call__", ["self", "scope", "receive", "send"])
    why = "ChatSocket.__call__ repeats it, counting what it takes from the layer"
    expected = {"channel_layer_alias", "new_channel", "channel_receive", "base_send", "await_many_dispatch", "dispatch"}
    CHANNELS.reads(consumer, "__call__", expected, why)
    user = "interview/live/sockets.py (ChatSocket.__call__)"
    dispatcher = CHANNELS.get("channels.utils", "await_many_dispatch")
    CHANNELS.check(
        params(dispatcher) == ["consumer_callables", "dispatch"], "await_many_dispatch", "new parameters", user
    )


async def test_channels_clean_expired_drops_our_queue_entries():
    """`_clean_expired` (run by our `_sweep`) reads queued entries as (expires, message), groups as {channel: joined}."""
    layer = ours("live_interview.channel_layers").LocalChannelLayer(expiry=30)
    await layer.group_add("g", "c")
    CHANNELS.check(set(layer.groups.get("g", ())) == {"c"}, "InMemoryChannelLayer.groups", "members kept elsewhere")
    layer._put("c", {"type": "a"}, time.time() - 1)
    layer._clean_expired()
    expired = "c" not in layer.channels and "c" not in layer.groups.get("g", {})
    CHANNELS.check(expired, "InMemoryChannelLayer._clean_expired", "an expired (expires, message) entry is kept")


# --- channels-redis and redis: DirectPubSubChannelLayer -------------------------------------------


def test_channels_redis_layer_proxies_through_get_layer():
    proxy_class = CHANNELS_REDIS.get("channels_redis.pubsub", "RedisPubSubChannelLayer")
    why = "every call must go through our _get_layer override"
    CHANNELS_REDIS.reads(proxy_class, "__getattr__", {"_get_layer"}, why)
    CHANNELS_REDIS.reads(importlib.import_module("channels_redis.pubsub"), "_async_proxy", {"_get_layer"}, why)
    proxy = proxy_class(hosts=[REDIS_HOST])
    for name, kind in (("_layers", dict), ("_args", tuple), ("_kwargs", dict)):
        CHANNELS_REDIS.check(isinstance(vars(proxy).get(name), kind), f"RedisPubSubChannelLayer.{name}", "gone")


def test_channels_redis_get_layer_body_unchanged():
    """DirectPubSubChannelLayer._get_layer repeats upstream's body with another class: a change there must be copied."""
    proxy_class = CHANNELS_REDIS.get("channels_redis.pubsub", "RedisPubSubChannelLayer")
    expected = set("asyncio get_running_loop _layers KeyError RedisPubSubLoopLayer _args _kwargs _wrap_close".split())
    actual = names_read(CHANNELS_REDIS.attr(proxy_class, "_get_layer"))
    CHANNELS_REDIS.check(
        actual == expected,
        "RedisPubSubChannelLayer._get_layer",
        f"its body reads {sorted(actual - expected)} more, {sorted(expected - actual)} fewer",
    )
    direct = ours("live_interview.channel_layers").DirectPubSubChannelLayer
    CHANNELS_REDIS.subclass_fits(direct, proxy_class, overrides={"_get_layer"})


def test_channels_redis_wrap_close_flushes_layers_of_a_closing_loop():
    utils = importlib.import_module("channels_redis.utils")
    CHANNELS_REDIS.params(utils, "_wrap_close", ["proxy", "loop"])
    CHANNELS_REDIS.reads(utils, "_wrap_close", {"_layers", "flush"}, "a closing loop flushes its layer")


def test_channels_redis_loop_layer_shapes():
    loop_class = CHANNELS_REDIS.get("channels_redis.pubsub", "RedisPubSubLoopLayer")
    shard_class = CHANNELS_REDIS.get("channels_redis.pubsub", "RedisSingleShardConnection")
    init = set(params(loop_class))
    CHANNELS_REDIS.check({"hosts", "prefix", "channel_layer"} <= init, "RedisPubSubLoopLayer()", f"now takes {init}")
    layer = loop_class(hosts=[REDIS_HOST], channel_layer="proxy")
    CHANNELS_REDIS.check(layer.channel_layer == "proxy", "RedisPubSubLoopLayer.channel_layer", "not kept")
    dicts = isinstance(layer.channels, dict) and isinstance(layer.groups, dict)
    CHANNELS_REDIS.check(dicts, "RedisPubSubLoopLayer.channels/groups", "no longer dicts")
    shards = getattr(layer, "_shards", None)
    made = isinstance(shards, list) and all(isinstance(shard, shard_class) for shard in shards)
    CHANNELS_REDIS.check(made, "RedisPubSubLoopLayer._shards", "no longer a list of RedisSingleShardConnection")
    CHANNELS_REDIS.check(shards[0].host == REDIS_HOST, "RedisSingleShardConnection.host", "changed")
    CHANNELS_REDIS.params(loop_class, "_get_shard", ["self", "channel_or_group_name"])
    CHANNELS_REDIS.params(loop_class, "_get_group_channel_name", ["self", "group"])
    why = "our flush stops each shard's writer before upstream's flushes it"
    CHANNELS_REDIS.reads(loop_class, "flush", {"_shards", "flush"}, why)


def test_channels_redis_direct_loop_layer_fits():
    loop_class = CHANNELS_REDIS.get("channels_redis.pubsub", "RedisPubSubLoopLayer")
    direct = ours("live_interview.channel_layers")._DirectLoopLayer
    CHANNELS_REDIS.subclass_fits(direct, loop_class, overrides={"send", "group_send", "flush"})
    base, sub = loop_class(hosts=[REDIS_HOST], channel_layer=None), direct(hosts=[REDIS_HOST], channel_layer=None)
    CHANNELS_REDIS.instance_adds(sub, base, adds={"origin", "sinks", "_heard", "_asked", "_counter"})


async def test_channels_redis_receive_deserializes_queued_bytes():
    """Our direct path puts serialized bytes on `channels[name]`, as the subscription does."""
    proxy = CHANNELS_REDIS.get("channels_redis.pubsub", "RedisPubSubChannelLayer")(hosts=[REDIS_HOST])
    layer = CHANNELS_REDIS.get("channels_redis.pubsub", "RedisPubSubLoopLayer")(hosts=[REDIS_HOST], channel_layer=proxy)
    layer.channels["c"] = asyncio.Queue()
    layer.channels["c"].put_nowait(proxy.serialize({"type": "chat.frame"}))
    async with asyncio.timeout(1):
        received = await layer.receive("c")
    CHANNELS_REDIS.check(received == {"type": "chat.frame"}, "RedisPubSubLoopLayer.channels", "no serialized bytes")


def test_channels_redis_shard_routes_received_message_to_group_members():
    """Our `_receive_message` override strips the origin from `data` and hands the message dict on."""
    shard_class = CHANNELS_REDIS.get("channels_redis.pubsub", "RedisSingleShardConnection")
    CHANNELS_REDIS.params(shard_class, "__init__", ["self", "host", "channel_layer"])
    CHANNELS_REDIS.params(shard_class, "_receive_message", ["self", "message"])
    why = "the receive task must call our override"
    CHANNELS_REDIS.reads(shard_class, "_do_receiving", {"_receive_message"}, why)
    why = "_DirectShard._do_receiving repeats this loop (offering group messages to attached sockets)"
    CHANNELS_REDIS.reads(shard_class, "_do_receiving", {"_pubsub", "subscribed", "get_message"}, why)
    layer = types.SimpleNamespace(channels={"c": asyncio.Queue()}, groups={"asgi__group__g": {"c"}})
    message = {"type": "message", "pattern": None, "channel": b"asgi__group__g", "data": b"x"}
    shard_class(REDIS_HOST, layer)._receive_message(message)
    routed = layer.channels["c"].qsize() == 1 and layer.channels["c"].get_nowait() == b"x"
    CHANNELS_REDIS.check(routed, "RedisSingleShardConnection._receive_message", "{channel, data} not routed to members")


def test_channels_redis_direct_shard_fits():
    shard_class = CHANNELS_REDIS.get("channels_redis.pubsub", "RedisSingleShardConnection")
    direct = ours("live_interview.channel_layers")._DirectShard
    CHANNELS_REDIS.subclass_fits(direct, shard_class, overrides={"_receive_message", "_do_receiving"})
    base, sub = shard_class(REDIS_HOST, None), direct(REDIS_HOST, None)
    CHANNELS_REDIS.instance_adds(sub, base, adds={"_outbox", "_wake", "_room", "_writer"})
    CHANNELS_REDIS.check(base._redis is None, "RedisSingleShardConnection._redis", "no longer made lazily")
    CHANNELS_REDIS.params(shard_class, "_ensure_redis", ["self"])


def test_channels_redis_serialized_message_cannot_start_like_our_marker():
    """DirectPubSubChannelLayer tells its own payloads by a leading zero byte no default-serialized message has."""
    proxy = CHANNELS_REDIS.get("channels_redis.pubsub", "RedisPubSubChannelLayer")(hosts=[REDIS_HOST])
    data = proxy.serialize({"type": "chat.frame", "text": "\x00"})
    CHANNELS_REDIS.check(
        0x80 <= data[0] <= 0x8F, "RedisPubSubChannelLayer.serialize", f"not a msgpack map: {data[:8]!r}"
    )


async def test_redis_shard_client_pipelines_publishes():
    """`_DirectShard._write` publishes through a non-transactional pipeline on the shard's `_redis`."""
    shard = CHANNELS_REDIS.get("channels_redis.pubsub", "RedisSingleShardConnection")(REDIS_HOST, None)
    shard._ensure_redis()
    try:
        client = shard._redis
        redis_class = REDIS.get("redis.asyncio", "Redis")
        CHANNELS_REDIS.check(isinstance(client, redis_class), "RedisSingleShardConnection._redis", "not a Redis client")
        REDIS.check("transaction" in params(client.pipeline), "Redis.pipeline", "no `transaction` parameter")
        pipe = client.pipeline(transaction=False)
        REDIS.check(callable(getattr(pipe, "publish", None)), "Pipeline.publish", "gone")
        REDIS.check(inspect.iscoroutinefunction(getattr(pipe, "execute", None)), "Pipeline.execute", "not a coroutine")
    finally:
        await shard.flush()


# --- Django: the pooled SQLite backend ------------------------------------------------------------


def test_django_sqlite_module_exposes_what_we_use():
    database = DJANGO.get("django.db.backends.sqlite3.base", "Database")
    for name in ("in_transaction", "rollback", "close", "execute"):
        DJANGO.check(hasattr(database.Connection, name), f"sqlite3 base.Database.Connection.{name}", "gone")
    unsafe = DJANGO.get("django.db.backends.sqlite3.base", "async_unsafe")
    DJANGO.check(unsafe is DJANGO.get("django.utils.asyncio", "async_unsafe"), "sqlite3 base.async_unsafe", "changed")


def test_django_connect_opens_through_get_new_connection():
    base_wrapper = DJANGO.get("django.db.backends.base.base", "BaseDatabaseWrapper")
    sqlite_wrapper = DJANGO.get("django.db.backends.sqlite3.base", "DatabaseWrapper")
    why = "our pool hands out connections from get_new_connection"
    DJANGO.reads(base_wrapper, "connect", {"get_connection_params", "get_new_connection"}, why)
    DJANGO.params(sqlite_wrapper, "get_new_connection", ["self", "conn_params"])


def test_django_close_closes_through_private_close():
    base_wrapper = DJANGO.get("django.db.backends.base.base", "BaseDatabaseWrapper")
    sqlite_wrapper = DJANGO.get("django.db.backends.sqlite3.base", "DatabaseWrapper")
    why = "our pool takes connections back in _close"
    DJANGO.reads(sqlite_wrapper, "close", {"is_in_memory_db", "close"}, why)
    DJANGO.reads(base_wrapper, "close", {"_close"}, why)
    DJANGO.params(base_wrapper, "_close", ["self"])
    DJANGO.check(hasattr(base_wrapper, "wrap_database_errors"), "BaseDatabaseWrapper.wrap_database_errors", "gone")


def test_django_connection_params_name_the_database_file(tmp_path):
    handler = DJANGO.get("django.db.utils", "ConnectionHandler")
    name = str(tmp_path / "contract.sqlite3")
    wrapper = handler({"default": {"ENGINE": "live_interview.sqlite", "NAME": name, "POOL_SIZE": 3}})["default"]
    pooled = ours("live_interview.sqlite.base").DatabaseWrapper
    DJANGO.check(type(wrapper) is pooled, "load_backend", "ENGINE no longer loads <ENGINE>.base.DatabaseWrapper")
    DJANGO.check(wrapper.settings_dict.get("POOL_SIZE") == 3, "settings_dict", "drops unknown keys (POOL_SIZE)")
    file = wrapper.get_connection_params().get("database")
    DJANGO.check(file == name, "get_connection_params", f"its `database` key is {file!r}, not the NAME")
    closed = wrapper.connection is None and not wrapper.is_in_memory_db()
    DJANGO.check(closed, "DatabaseWrapper.connection/is_in_memory_db", "changed")
    with wrapper.wrap_database_errors:
        pass


def test_django_pooled_wrapper_fits():
    sqlite_wrapper = DJANGO.get("django.db.backends.sqlite3.base", "DatabaseWrapper")
    pooled = ours("live_interview.sqlite.base").DatabaseWrapper
    DJANGO.subclass_fits(pooled, sqlite_wrapper, overrides={"get_new_connection", "_close"})
    fresh = sqlite_wrapper(DJANGO.get("django.db", "connections")["default"].settings_dict)
    taken = hasattr(sqlite_wrapper, "_pool_key") or "_pool_key" in vars(fresh)
    DJANGO.check(not taken, "DatabaseWrapper._pool_key", "upstream now uses the name our pool keeps its key in")


def test_channels_session_wrapper_acts_only_on_http_responses():
    fence = Fence("channels", "live_interview/sessions.py")
    wrapper = fence.get("channels.sessions", "InstanceSessionWrapper")
    for name in ("save_message_types", "cookie_response_message_types"):
        kinds = fence.attr(wrapper, name)
        fence.check(kinds == ["http.response.start"], f"InstanceSessionWrapper.{name}", f"it is now {kinds!r}")
    fence.reads(wrapper, "send", {"save_message_types", "cookie_response_message_types", "real_send"},
                "its send acts on those message types only, then calls the server's send")  # fmt: skip
    fence.params(wrapper, "resolve_session", ["self"])
    middleware = fence.get("channels.sessions", "SessionMiddleware")
    fence.reads(middleware, "__call__", {"InstanceSessionWrapper", "resolve_session", "inner"},
                "SocketSessionMiddleware repeats its call")  # fmt: skip
    stack = fence.get("channels.auth", "AuthMiddlewareStack")
    built = stack(None)
    layers = [type(built).__name__, type(built.inner).__name__, type(built.inner.inner).__name__]
    fence.check(layers == ["CookieMiddleware", "SessionMiddleware", "AuthMiddleware"], "AuthMiddlewareStack",
                f"it now builds {layers}, which socket_auth_stack no longer matches")  # fmt: skip


def test_django_compiler_gives_what_prepared_get_keeps():
    from interview.models import Chat

    queryset = Chat.objects.select_related("user__profile", "resume").filter(pk=-5)
    compiler = queryset.query.get_compiler(using="default")
    _, sql_params = compiler.as_sql()
    DJANGO_ORM.check(list(sql_params) == [-5], "SQLCompiler.as_sql", f"its params are {sql_params!r}, not the key")
    for name in ("select", "col_count", "klass_info"):
        DJANGO_ORM.check(getattr(compiler, name, None) is not None, f"SQLCompiler.{name}", "as_sql no longer sets it")
    info = compiler.klass_info
    keys = {"model", "select_fields", "related_klass_infos"}
    DJANGO_ORM.check(keys <= set(info), "SQLCompiler.klass_info", f"its keys are {sorted(info)}")
    DJANGO_ORM.params(type(compiler), "get_converters", ["self", "expressions"])
    DJANGO_ORM.params(type(compiler), "has_composite_fields", ["self", "expressions"])
    query = importlib.import_module("django.db.models.query")
    DJANGO_ORM.params(query, "get_related_populators", ["klass_info", "select", "db"])
    DJANGO_ORM.params(
        DJANGO_ORM.get("django.db.models.query", "RelatedPopulator"), "populate", ["self", "row", "from_obj"]
    )
    DJANGO_ORM.reads(
        DJANGO_ORM.get("django.db.models.query", "ModelIterable"),
        "__iter__",
        {"get_related_populators", "populate", "from_db", "results_iter"},
        "ModelIterable no longer builds objects the way PreparedGet repeats",
    )


def test_django_update_compiler_prepares_values_as_prepared_save_does():
    compiler = DJANGO_ORM.get("django.db.models.sql.compiler", "SQLUpdateCompiler")
    DJANGO_ORM.reads(compiler, "as_sql", {"get_db_prep_save", "get_placeholder"}, "values prepared by their fields")
    model = DJANGO_ORM.get("django.db.models", "Model")
    DJANGO_ORM.reads(model, "_save_table", {"pre_save", "_do_update"}, "an update writes each field's pre_save value")
    DJANGO_ORM.reads(model, "save_base", {"pre_save", "post_save", "send"}, "a save sends pre_save and post_save")
    DJANGO_ORM.reads(
        DJANGO_ORM.get("django.db.models", "QuerySet"),
        "bulk_update",
        {"requires_casted_case_in_updates", "Cast", "Case", "When"},
        "bulk_update's CASE, cast where the backend needs it, is what rows_update writes",
    )


# --- httpcore2 and httpx2: the asyncio network backend --------------------------------------------


@pytest.mark.parametrize(
    ("mine", "interface"), [("AsyncioBackend", "AsyncNetworkBackend"), ("AsyncioStream", "AsyncNetworkStream")]
)
def test_httpcore_network_interface_matches_ours(mine, interface):
    base = HTTPCORE.get("httpcore2", interface)
    methods = {name for name, value in vars(base).items() if not name.startswith("__") and callable(value)}
    HTTPCORE.subclass_fits(getattr(ours("interview.llm.transport"), mine), base, overrides=methods)


def _recording_backend(
    calls: list[tuple[str, dict[str, Any]]], error: str = "ConnectError", where: str = "connect"
) -> Any:
    """A network backend that records how httpcore calls it and fails with httpcore's `error` at `where`."""
    base_stream, base_backend = (
        HTTPCORE.get("httpcore2", "AsyncNetworkStream"),
        HTTPCORE.get("httpcore2", "AsyncNetworkBackend"),
    )
    failure = HTTPCORE.get("httpcore2", error)

    class Stream(base_stream):
        async def write(self, buffer: bytes, timeout: float | None = None) -> None:
            if where == "write":
                raise failure("recorded")

        async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            raise failure("recorded")

        async def aclose(self) -> None:
            pass

        def get_extra_info(self, info: str) -> Any:
            return None

    class Recorder(base_backend):
        async def connect_tcp(self, **kwargs: Any) -> Any:
            calls.append(("connect_tcp", kwargs))
            if where == "connect":
                raise failure("recorded")
            return Stream()

        async def connect_unix_socket(self, **kwargs: Any) -> Any:
            calls.append(("connect_unix_socket", kwargs))
            raise failure("recorded")

        async def sleep(self, seconds: float) -> None:
            calls.append(("sleep", {"seconds": seconds}))

    return Recorder()


async def _get(transport: Any) -> BaseException | None:
    async with HTTPX.get("httpx2", "AsyncClient")(transport=transport) as client:
        try:
            await client.get("http://llm.test/")
        except Exception as exc:
            return exc
    return None


@pytest.mark.parametrize(("uds", "method"), [(None, "connect_tcp"), ("/nonexistent.sock", "connect_unix_socket")])
async def test_httpx_transport_connects_through_pool_network_backend(uds, method):
    """http_transport() sets `_pool._network_backend` after the pool is made; httpcore must read it per connection."""
    transport = HTTPX.get("httpx2", "AsyncHTTPTransport")(uds=uds, retries=1)
    pool = getattr(transport, "_pool", None)
    pool_class = HTTPCORE.get("httpcore2", "AsyncConnectionPool")
    HTTPX.check(isinstance(pool, pool_class), "AsyncHTTPTransport._pool", "no longer an httpcore2 AsyncConnectionPool")
    HTTPCORE.check("_network_backend" in vars(pool), "AsyncConnectionPool._network_backend", "gone")
    calls: list[tuple[str, dict[str, Any]]] = []
    pool._network_backend = _recording_backend(calls)
    error = await _get(transport)
    used = [name for name, _ in calls] == [method, "sleep", method]
    HTTPCORE.check(used, "AsyncConnectionPool._network_backend", f"connections no longer use it: {calls}")
    HTTPX.check(type(error) is HTTPX.get("httpx2", "ConnectError"), "map_httpcore_exceptions", f"raised {error!r}")
    backend = ours("interview.llm.transport").AsyncioBackend
    for name, kwargs in calls:
        HTTPCORE.check(
            set(kwargs) <= set(params(getattr(backend, name))), f"{name}()", f"now called with {sorted(kwargs)}"
        )


@pytest.mark.parametrize(
    ("error", "where"),
    [("ConnectError", "connect"), ("ConnectTimeout", "connect"), ("WriteError", "write"), ("WriteTimeout", "write"),
     ("ReadError", "read"), ("ReadTimeout", "read")],
)  # fmt: skip
async def test_httpx_maps_the_errors_our_backend_raises(error, where):
    """The backend raises httpcore's errors; the openai client and our provider see httpx's of the same name."""
    transport = HTTPX.get("httpx2", "AsyncHTTPTransport")()
    transport._pool._network_backend = _recording_backend([], error, where)
    raised = await _get(transport)
    HTTPX.check(type(raised) is HTTPX.get("httpx2", error), f"httpcore2.{error} mapping", f"it surfaces as {raised!r}")


def test_httpx_transport_pool_gets_our_backend():
    transport = ours("interview.llm.transport")
    made = transport.http_transport(limits=ours("interview.llm.openai_provider").CONNECTION_LIMITS)
    assert isinstance(made._pool._network_backend, transport.AsyncioBackend)
    HTTPX.reads(HTTPX.get("httpx2", "AsyncHTTPTransport"), "handle_async_request", {"_pool"}, "requests go to `_pool`")
    for pool in ("AsyncConnectionPool", "AsyncHTTPProxy"):
        why = "connections take the pool's backend"
        HTTPCORE.reads(HTTPCORE.get("httpcore2", pool), "create_connection", {"_network_backend"}, why)
    proxied = transport.http_transport(proxy="http://127.0.0.1:3128")
    proxy_pool = isinstance(proxied._pool, HTTPCORE.get("httpcore2", "AsyncHTTPProxy"))
    HTTPX.check(proxy_pool, "AsyncHTTPTransport._pool", "not an httpcore2 AsyncHTTPProxy behind a proxy")
    assert isinstance(proxied._pool._network_backend, transport.AsyncioBackend)


async def test_httpcore_extra_info_keys_are_answered_by_our_stream():
    """httpcore asks an idle pooled connection `is_readable`; ours answers each key asked, without a system call."""
    roots = [
        Path(HTTPCORE.get("httpcore2", "__file__")).parent / "_async",
        Path(HTTPX.get("httpx2", "__file__")).parent,
    ]
    pattern = re.compile(r'get_extra_info\(\s*"(\w+)"')
    asked = {key for root in roots for path in root.rglob("*.py") for key in pattern.findall(path.read_text())}
    HTTPCORE.check("is_readable" in asked, 'get_extra_info("is_readable")', "no longer asked of idle connections")

    class Transport:
        def get_extra_info(self, name: str, default: Any = None) -> Any:
            return f"<{name}>"

        def is_closing(self) -> bool:
            return False

    transport = ours("interview.llm.transport")
    stream = transport.AsyncioStream(Transport(), transport._ReadAhead())
    unanswered = sorted(key for key in asked if stream.get_extra_info(key) is None)
    HTTPCORE.check(not unanswered, "get_extra_info", f"now asks {unanswered}, which AsyncioStream does not answer")


# --- openai: the provider's streamed request and SSE reader ---------------------------------------

CHUNK = b'{"model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}'


def _sse(request: Any) -> Any:
    async def body():
        yield b"data: " + CHUNK + b"\n\n"
        yield b"data: [DONE]\n\n"

    return HTTPX.get("httpx2", "Response")(200, headers={"content-type": "text/event-stream"}, content=body())


@pytest.fixture
async def mock_openai():
    """Our provider on the real openai client, over httpx's MockTransport answering with `answer[0]`."""
    openai, httpx2 = importlib.import_module("openai"), importlib.import_module("httpx2")
    provider_module = ours("interview.llm.openai_provider")
    requests: list[Any] = []
    answer = [_sse]

    def handle(request):
        requests.append(request)
        return answer[0](request)

    client = openai.AsyncOpenAI(
        api_key="sk-test", base_url="http://llm.test/v1", max_retries=0,
        http_client=openai.DefaultAsyncHttpx2Client(transport=httpx2.MockTransport(handle)),
    )  # fmt: skip
    provider = provider_module.OpenAIProvider(
        api_key="sk-test", base_url="http://llm.test/v1", model="m", connect_timeout=1.0, first_token_timeout=1.0,
        chunk_gap_timeout=1.0, max_retries=0,
    )  # fmt: skip
    provider._clients[asyncio.get_running_loop()] = client
    yield types.SimpleNamespace(
        provider=provider, module=provider_module, client=client, requests=requests, answer=answer
    )
    await client.close()


async def _raised(provider: Any) -> Exception:
    try:
        await provider._open_stream([], None)
    except Exception as exc:
        return exc
    pytest.fail("the request did not fail")


def test_openai_client_takes_the_arguments_we_send():
    openai = importlib.import_module("openai")
    for func, expected, name in (
        (
            OPENAI.attr(openai.AsyncOpenAI, "post"),
            {"path", "cast_to", "body", "options", "stream", "stream_cls"},
            "AsyncOpenAI.post",
        ),
        (openai.AsyncOpenAI, {"api_key", "base_url", "timeout", "max_retries", "http_client"}, "AsyncOpenAI()"),
        (openai.AsyncStream, {"response"}, "AsyncStream()"),
    ):
        missing = sorted(expected - set(params(func)))
        OPENAI.check(not missing, name, f"no parameters {missing}")
    for module, typed, key in (
        ("openai._types", "RequestOptions", "security"),
        ("openai._models", "SecurityOptions", "bearer_auth"),
    ):
        keys = OPENAI.get(module, typed).__required_keys__ | OPENAI.get(module, typed).__optional_keys__
        OPENAI.check(key in keys, f"{typed}[{key!r}]", "the key is gone")
    close = OPENAI.attr(openai.AsyncStream, "close")
    OPENAI.check(inspect.iscoroutinefunction(close), "AsyncStream.close", "no longer a coroutine function")


async def test_openai_streamed_post_sends_what_create_sends(mock_openai):
    """`_open_stream` posts the body itself with the `security` option; the request must equal create()'s."""
    messages = [{"role": "user", "content": "Hello"}]
    await (await mock_openai.provider._open_stream(messages, 5)).close()
    created = await mock_openai.client.chat.completions.create(
        model="m", messages=messages, stream=True, stream_options={"include_usage": True}, max_tokens=5
    )
    await created.close()
    mine, theirs = mock_openai.requests
    headers = [{k: v for k, v in request.headers.items() if k != "content-length"} for request in (mine, theirs)]
    OPENAI.check(
        headers[0] == headers[1], "post(options={'security': ...})", f"headers differ from create's: {headers}"
    )
    OPENAI.check(headers[0].get("authorization") == "Bearer sk-test", "SecurityOptions.bearer_auth", "no bearer header")
    OPENAI.check((mine.method, mine.url) == (theirs.method, theirs.url), "post", f"{mine.url} is not {theirs.url}")
    OPENAI.check(json.loads(mine.content) == json.loads(theirs.content), "post(body=...)", "the body differs")


async def test_openai_streamed_post_leaves_body_for_our_sse_reader(mock_openai):
    stream = await mock_openai.provider._open_stream([{"role": "user", "content": "Hello"}], None)
    OPENAI.check(
        isinstance(stream, importlib.import_module("openai").AsyncStream),
        "post(stream=True, stream_cls=...)",
        f"gave {stream!r}",
    )
    response = getattr(stream, "response", None)
    unread = isinstance(response, importlib.import_module("httpx2").Response) and not response.is_stream_consumed
    OPENAI.check(unread, "AsyncStream.response", "not an unread httpx2.Response")
    events = [event async for event in mock_openai.module._sse_data(response)]
    OPENAI.check(events == [CHUNK, b"[DONE]"], "AsyncStream.response", f"its body reads as {events}")
    await stream.close()
    OPENAI.check(response.is_closed, "AsyncStream.close", "no longer closes the response")


@pytest.mark.parametrize(
    ("raised", "expected"),
    [("ConnectTimeout", "APITimeoutError"), ("ReadTimeout", "APITimeoutError"), ("ConnectError", "APIConnectionError")],
)
async def test_openai_transport_errors_keep_httpx_cause(mock_openai, raised, expected):
    """The provider retries a timeout only when its `__cause__` is httpx's ConnectTimeout."""
    httpx_error = HTTPX.get("httpx2", raised)

    def fail(request):
        raise httpx_error("recorded", request=request)

    mock_openai.answer[0] = fail
    error = await _raised(mock_openai.provider)
    kept = type(error).__name__ == expected and type(error.__cause__) is httpx_error
    OPENAI.check(kept, f"{expected} for httpx2.{raised}", f"raised {error!r} caused by {error.__cause__!r}")


async def test_openai_status_error_exposes_what_we_read(mock_openai):
    body = {"error": {"message": "quota", "type": "insufficient_quota", "code": "insufficient_quota"}}
    response = HTTPX.get("httpx2", "Response")
    mock_openai.answer[0] = lambda request: response(429, json=body, headers={"retry-after": "1"})
    error = await _raised(mock_openai.provider)
    seen = {name: getattr(error, name, None) for name in ("status_code", "code", "message", "body")}
    OPENAI.check(seen["status_code"] == 429 and seen["code"] == "insufficient_quota", "APIStatusError", f"now {seen}")
    OPENAI.check("quota" in str(seen["message"]) and seen["body"], "APIStatusError.message/body", f"now {seen}")
    OPENAI.check(error.response.headers.get("retry-after") == "1", "APIStatusError.response", "no headers")


async def test_openai_connection_limits_match_ours():
    """The client applies its default limits only to a transport it makes; we pass ours, with the same limits."""
    limits = OPENAI.get("openai._constants", "DEFAULT_CONNECTION_LIMITS")
    ours_limits = ours("interview.llm.openai_provider").CONNECTION_LIMITS
    OPENAI.check(limits == ours_limits, "openai._constants.DEFAULT_CONNECTION_LIMITS", f"now {limits}: copy it")
    httpx2 = importlib.import_module("httpx2")
    client = importlib.import_module("openai").DefaultAsyncHttpx2Client(
        timeout=httpx2.Timeout(1.0), transport=httpx2.MockTransport(_sse)
    )
    OPENAI.check(isinstance(client, httpx2.AsyncClient), "DefaultAsyncHttpx2Client", f"returned {client!r}")
    await client.aclose()


async def test_openai_with_streaming_response_gives_http_response(mock_openai):
    completions = mock_openai.client.chat.completions
    async with completions.with_streaming_response.create(model="m", messages=[], stream=True) as response:
        http_response = getattr(response, "http_response", None)
    found = isinstance(http_response, importlib.import_module("httpx2").Response)
    OPENAI.check(found, "with_streaming_response.create().http_response", f"{http_response!r}", user="bench/relay.py")
