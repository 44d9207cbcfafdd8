"""Profile in one thread: sync endpoints run inline on the event loop; httpx ASGITransport."""
import asyncio, cProfile, pstats, random, sys, time, os
sys.path.insert(0, "/work/wt/search18/bench")
import starlette.concurrency, fastapi.routing, fastapi.dependencies.utils
async def inline(func, *args, **kwargs):
    return func(*args, **kwargs)
for mod in (starlette.concurrency, fastapi.routing, fastapi.dependencies.utils):
    mod.run_in_threadpool = inline
import httpx
from tekseru.settings import Settings
from tekseru.web.app import create_app
from sqlalchemy import create_engine, text
import bench_web
import collections
spent = collections.defaultdict(float)
def timed(module, name, label):
    original = getattr(module, name)
    def wrapper(*a, **k):
        s = time.process_time()
        try:
            return original(*a, **k)
        finally:
            spent[label] += time.process_time() - s
    setattr(module, name, wrapper)
import tekseru.web.pages.registry as reg, tekseru.http.security as sec, tekseru.api.subjects as apis
timed(reg, "render", "render"); timed(reg, "search", "search"); timed(reg, "subject_card", "card")
timed(apis, "search", "api search"); timed(apis, "subject_card", "api card")
timed(sec, "session_for", "session_for"); timed(reg, "subject_visits", "visits")

url, kind = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 300
settings = Settings().model_copy(update={"database_url": url})
app = create_app(settings)
engine = create_engine(url)
with engine.connect() as c:
    subjects = c.execute(text("select count(*) from subjects")).scalar_one()
    bins = list(c.execute(text("SELECT bin FROM subjects ORDER BY id LIMIT 100000")).scalars())
engine.dispose()
random.Random(5).shuffle(bins); bins = bins[:3000]
ks = {k.name: k for k in bench_web.kinds(bins, subjects)}
k = ks[{"search": "search page", "card": "card page", "api": "search API", "subject": "subject API"}[kind]]
async def main():
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            r = await client.post("/api/v1/auth/login", json={"username": bench_web.USER, "password": bench_web.PASSWORD})
            r.raise_for_status()
            rng = random.Random(1)
            paths = [k.path(rng) for _ in range(n)]
            for p in paths[:20]:
                await client.get(p)
            if os.environ.get("PROFILE") == "0":
                t = time.process_time(); lat = []
                slow = []
                for p in paths:
                    s = time.perf_counter(); r = await client.get(p); e = time.perf_counter() - s; lat.append(e)
                    slow.append((e, p))
                    assert r.status_code == 200 and all(m in r.content for m in k.markers(p)), (p, r.status_code)
                print(f"{kind}: {1000*(time.process_time()-t)/n:.2f} ms CPU/req (incl. client); median {1000*sorted(lat)[n//2]:.2f} ms")
                print({k: round(1000 * v / n, 2) for k, v in spent.items()})
                slow.sort(); print("worst", [(f"{1000*x:.1f}", p) for x, p in slow[-6:]])
            else:
                prof = cProfile.Profile(); prof.enable()
                for p in paths:
                    r = await client.get(p)
                    assert r.status_code == 200, (p, r.status_code)
                prof.disable()
                st = pstats.Stats(prof); st.sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("TOP", "60")))
asyncio.run(main())
