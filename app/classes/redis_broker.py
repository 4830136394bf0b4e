"""Classes in Redis (BACKPROP_REDIS_URL): the broker for several workers or containers.

Each change is one Lua script, so that a class's events are numbered, kept and published in one order whichever
worker makes them. Events travel on one channel (`<prefix>:events`, `<code> <id> <kind> <data>`) that every worker
subscribes to; a worker whose subscription breaks drops its followers, which reconnect and resume from what Redis
kept. Keys (all expire with the class): `<prefix>:c:<code>` (token hash, seq, state, open question), `:h` (recent
events), `:q` and `:ql` (questions kept), `:a:<question>` (answers), `:n:<minute>` (answers counted), `:f` (followers).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import redis.asyncio
from redis.exceptions import RedisError

from app.classes.broker import (
    Broker,
    Deliver,
    Event,
    Forbidden,
    Full,
    Question,
    Snapshot,
    TooFast,
    Unavailable,
    UnknownClass,
    UnknownQuestion,
    resume,
)
from app.classes.limits import ClassLimits

logger = logging.getLogger(__name__)

CREATE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return -1 end
redis.call('DEL', KEYS[3], KEYS[4], KEYS[5], KEYS[6])
redis.call('HSET', KEYS[2], 'token', ARGV[4], 'seq', 0)
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[6])
return 1
"""
TOUCH = """
local token = redis.call('HGET', KEYS[1], 'token')
if not token then return 0 end
if token ~= ARGV[1] then return -1 end
for i = 1, 5 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
for _, q in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do redis.call('PEXPIRE', ARGV[5] .. q, ARGV[2]) end
redis.call('ZADD', KEYS[6], ARGV[3], ARGV[4])
return 1
"""
PUBLISH = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local id = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local event = id .. ' ' .. ARGV[1] .. ' ' .. ARGV[2]
if ARGV[1] == 'state' then
  redis.call('HSET', KEYS[1], 'state', event)
elseif ARGV[1] == 'question' then
  redis.call('HSET', KEYS[1], 'question', event, 'question_id', ARGV[6])
elseif ARGV[1] == 'reveal' and redis.call('HGET', KEYS[1], 'question_id') == ARGV[6] then
  redis.call('HDEL', KEYS[1], 'question', 'question_id')
end
redis.call('RPUSH', KEYS[2], event)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
redis.call('PUBLISH', ARGV[4], ARGV[5] .. ' ' .. event)
return id
"""
END = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local id = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. id .. ' closed {"reason": "ended"}')
for _, q in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do redis.call('DEL', ARGV[3] .. q) end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('ZREM', KEYS[6], ARGV[2])
return 1
"""
ASK = """
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[1])
while redis.call('LLEN', KEYS[2]) > tonumber(ARGV[3]) do
  local old = redis.call('LPOP', KEYS[2])
  redis.call('HDEL', KEYS[1], old)
  redis.call('DEL', ARGV[4] .. old)
end
local ttl = redis.call('PTTL', KEYS[3])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return 1
"""
ANSWER = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HEXISTS', KEYS[2], ARGV[5]) == 0 then return -2 end
if redis.call('HEXISTS', KEYS[4], ARGV[1]) == 0 and redis.call('HLEN', KEYS[4]) >= tonumber(ARGV[6]) then return -5 end
local n = redis.call('HINCRBY', KEYS[4], ARGV[1], 1)
if redis.call('TTL', KEYS[4]) < 0 then redis.call('EXPIRE', KEYS[4], 120) end
if n > tonumber(ARGV[3]) then return -3 end
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 and redis.call('HLEN', KEYS[3]) >= tonumber(ARGV[4]) then return -4 end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[3], redis.call('PTTL', KEYS[1]))
return 1
"""
JOIN = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return -2 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
return 1
"""
BEAT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
return 1
"""


class RedisBroker(Broker):
    def __init__(self, url: str, prefix: str, limits: ClassLimits, connections: int) -> None:
        self.limits = limits
        self.prefix = prefix
        self.channel = f"{prefix}:events"
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            url, max_connections=connections, timeout=5, decode_responses=True, socket_connect_timeout=2
        )
        self.redis = redis.asyncio.Redis(connection_pool=pool)
        self.scripts = {
            name: self.redis.register_script(text)
            for name, text in {
                "create": CREATE,
                "touch": TOUCH,
                "publish": PUBLISH,
                "end": END,
                "ask": ASK,
                "answer": ANSWER,
                "join": JOIN,
                "beat": BEAT,
            }.items()
        }
        self.listener: asyncio.Task[None] | None = None

    failures = (RedisError, OSError)

    def key(self, code: str, part: str = "") -> str:
        return f"{self.prefix}:c:{code}{part}"

    def keys(self, code: str) -> list[str]:
        """The class's fixed keys: main, history, questions, question list, followers."""
        return [self.key(code), self.key(code, ":h"), self.key(code, ":q"), self.key(code, ":ql"), self.key(code, ":f")]

    async def run(self, name: str, keys: list[str], args: list[Any]) -> int:
        return int(await self.scripts[name](keys=keys, args=args))

    @property
    def idle_ms(self) -> int:
        return int(self.limits.idle_s * 1000)

    async def start(self, deliver: Deliver, lost: Callable[[], None]) -> None:
        if self.listener is not None:
            return
        await self.redis.ping()  # an unreachable Redis is a 503 at once
        subscribed = asyncio.Event()
        self.listener = asyncio.create_task(self.listen(deliver, lost, subscribed))
        try:
            async with asyncio.timeout(5):
                await subscribed.wait()
        except TimeoutError:
            self.listener.cancel()
            self.listener = None
            raise Unavailable("class mode cannot reach Redis (BACKPROP_REDIS_URL)") from None

    async def listen(self, deliver: Deliver, lost: Callable[[], None], subscribed: asyncio.Event) -> None:
        """Every event of every class, to this worker's followers; after a break, they reconnect and resume."""
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                subscribed.set()
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        code, packed = message["data"].split(" ", 1)
                        deliver(code, Event.unpack(packed))
            except (RedisError, OSError) as error:
                logger.warning("class events from Redis broke off (%s); followers will reconnect", error)
                lost()
                await asyncio.sleep(0.5)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        if self.listener is not None:
            self.listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.listener
            self.listener = None
        await self.redis.aclose()
        await self.redis.connection_pool.disconnect()

    async def create(self, code: str, token_hash: str, now: float) -> bool:
        keys = [f"{self.prefix}:classes", *self.keys(code)]
        expires = now + self.limits.idle_s
        args = [now, expires, self.limits.max_classes, token_hash, self.idle_ms, code]
        result = await self.run("create", [keys[0], keys[1], keys[2], keys[3], keys[4], keys[5]], args)
        if result < 0:
            raise Full("too many classes are running on this server: try again later", self.limits.retry_after)
        return result == 1

    async def touch(self, code: str, token_hash: str, now: float) -> None:
        keys = [*self.keys(code), f"{self.prefix}:classes"]
        args = [token_hash, self.idle_ms, now + self.limits.idle_s, code, self.key(code, ":a:")]
        result = await self.run("touch", keys, args)
        if result == 0:
            raise UnknownClass
        if result < 0:
            raise Forbidden

    async def publish(self, code: str, kind: str, data: str, question: str | None = None) -> Event:
        keys = [self.key(code), self.key(code, ":h")]
        args = [kind, data, self.limits.history_events, self.channel, code, question or ""]
        number = await self.run("publish", keys, args)
        if number < 0:
            raise UnknownClass
        return Event(number, kind, data)

    async def snapshot(self, code: str, after: int | None) -> Snapshot:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hmget(self.key(code), ["state", "question", "seq"])
            pipe.lrange(self.key(code, ":h"), 0, -1)
            (state, question, seq), history = await pipe.execute()
        if seq is None:
            raise UnknownClass

        def event(text: str | None) -> Event | None:
            return None if text is None else Event.unpack(text)

        return resume(event(state), event(question), [Event.unpack(text) for text in history], int(seq), after)

    async def ask(self, code: str, question: Question) -> None:
        keys = [self.key(code, ":q"), self.key(code, ":ql"), self.key(code)]
        args = [question.id, question.dumps(), self.limits.questions_kept, self.key(code, ":a:")]
        if await self.run("ask", keys, args) < 0:
            raise UnknownClass

    async def question(self, code: str, question_id: str) -> Question:
        text = await self.redis.hget(self.key(code, ":q"), question_id)
        if text is None:
            raise UnknownQuestion
        return Question.loads(str(text))

    async def answer(self, code: str, question_id: str, student: str, value: float, now: float) -> None:
        window = int(now // 60)
        keys = [self.key(code), self.key(code, ":q"), self.key(code, f":a:{question_id}")]
        keys.append(self.key(code, f":n:{window}"))
        limits = self.limits
        args = [student, repr(value), limits.answers_per_min, limits.max_students, question_id, limits.max_counted]
        result = await self.run("answer", keys, args)
        if result == -1:
            raise UnknownClass
        if result == -2:
            raise UnknownQuestion
        if result == -3:
            raise TooFast(f"more than {limits.answers_per_min} answers in a minute: wait a little")
        if result == -4:
            raise Full("this question has as many answers as the class has places", limits.retry_after)
        if result == -5:
            raise Full("too many students are answering this class at once", limits.retry_after)

    async def answers(self, code: str, question_id: str) -> list[float]:
        return [float(value) for value in await self.redis.hvals(self.key(code, f":a:{question_id}"))]

    async def join(self, code: str, follower: str, now: float) -> None:
        keys = [self.key(code), self.key(code, ":f")]
        args = [follower, now + self.limits.follower_lapse_s, now, self.limits.max_students]
        result = await self.run("join", keys, args)
        if result == -1:
            raise UnknownClass
        if result == -2:
            raise Full(f"the class is full ({self.limits.max_students} students)", self.limits.retry_after)

    async def beat(self, code: str, follower: str, now: float) -> bool:
        keys = [self.key(code), self.key(code, ":f")]
        return await self.run("beat", keys, [follower, now + self.limits.follower_lapse_s]) == 1

    async def leave(self, code: str, follower: str) -> None:
        await self.redis.zrem(self.key(code, ":f"), follower)

    async def followers(self, code: str, now: float) -> int:
        return int(await self.redis.zcount(self.key(code, ":f"), now, "+inf"))

    async def end(self, code: str) -> None:
        keys = [*self.keys(code), f"{self.prefix}:classes"]
        await self.run("end", keys, [self.channel, code, self.key(code, ":a:")])
