-- wrk: POST /auth/login with the bench user's JSON credentials (bcrypt at the default cost on every request).
wrk.method = "POST"
wrk.body = '{"username":"bench","password":"bench-password-not-secret"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
