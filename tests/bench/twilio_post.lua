-- wrk script: POSTs one Twilio Messages API request, the same bytes every time, so wrk's
-- rate against a Twilio-shaped endpoint can be set beside Tocsin's (issue 5, "Headroom").
-- The request comes from the environment, so that wrk keeps its static-request fast path
-- (no Lua call per request):
--   TWILIO_PATH           /2010-04-01/Accounts/{sid}/Messages.json
--   TWILIO_AUTHORIZATION  "Basic base64(sid:token)"
--   TWILIO_BODY           the form body, URL-encoded (e.g. what TwilioGateway::build made)
-- Example: twilio_server_bench runs wrk with this script and sets all three.
wrk.method = "POST"
wrk.path = os.getenv("TWILIO_PATH")
wrk.body = os.getenv("TWILIO_BODY")
wrk.headers["Authorization"] = os.getenv("TWILIO_AUTHORIZATION")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

-- Any answer but 201 is counted by wrk as a non-2xx response; print how many at the end.
function done(summary, latency, requests)
  io.write(string.format("twilio_post: %d requests, %d non-2xx, %d errors\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
