-- GET the URL given to wrk, nothing else: /health, and the bare
-- libmicrohttpd reference server.
dofile("bench/wrk/common.lua")
