<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" trimDirectiveWhitespaces="true" import="dev.holdfast.web.Html" %>
<% String pageTitle = "Admin"; String currentPage = "/admin/"; String ctx = Html.escape(request.getContextPath()); %>
<%@ include file="/WEB-INF/jspf/identity.jspf" %>
<!DOCTYPE html>
<html lang="en">
<head>
<%@ include file="/WEB-INF/jspf/head.jspf" %>
</head>
<body>
<%@ include file="/WEB-INF/jspf/nav.jspf" %>
<main id="main" class="wrap">
  <h1>Admin area</h1>
  <p class="lead">Only tokens that carry the <code>admin</code> role reach this page: a second
    <code>JwtAuthFilter</code> declaration with <code>requireRoles=admin</code> guards <code>/admin/*</code>.
    Signed in as <span class="user"><%= Html.escape(user) %></span>.</p>
  <section class="grid">
    <article class="card">
      <h2>Health</h2>
      <p><a href="<%= ctx %>/auth/health">/auth/health</a> shows the pools, the breaker, the credential tier and
        the audit spool. Only addresses in <code>holdfast.health.allow</code> may read it.</p>
    </article>
    <article class="card">
      <h2>Signing keys</h2>
      <p><a href="<%= ctx %>/.well-known/jwks.json">/.well-known/jwks.json</a> lists the public keys when tokens are
        signed with RSA, EC or Ed25519 keys (it is 404 with an HMAC secret).</p>
    </article>
  </section>
  <%@ include file="/WEB-INF/jspf/whoami.jspf" %>
</main>
<%@ include file="/WEB-INF/jspf/footer.jspf" %>
</body>
</html>
