<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" trimDirectiveWhitespaces="true" import="dev.holdfast.web.Html" %>
<% String pageTitle = "Welcome"; String currentPage = "/"; String ctx = Html.escape(request.getContextPath()); %>
<!DOCTYPE html>
<html lang="en">
<head>
<%@ include file="/WEB-INF/jspf/head.jspf" %>
</head>
<body>
<%@ include file="/WEB-INF/jspf/nav.jspf" %>
<main id="main" class="wrap">
  <section class="hero">
    <h1>Logins that hold when the database doesn't</h1>
    <p class="lead">Holdfast protects plain Jakarta Servlet and JSP applications with signed tokens.
      When the user database is slow or down, people who signed in before can still sign in, and every
      page they already opened keeps working.</p>
    <p class="actions">
      <a class="button" href="<%= ctx %>/login.jsp?next=%2Fapp%2F">Sign in</a>
      <a class="button secondary" href="<%= ctx %>/app/">Open the protected app</a>
    </p>
  </section>

  <section class="grid" aria-label="What this demo shows">
    <article class="card">
      <h2>A protected app</h2>
      <p><a href="<%= ctx %>/app/">/app/</a> and <a href="<%= ctx %>/app/notes.jsp">/app/notes.jsp</a>
        are ordinary JSPs. They call <code>request.getRemoteUser()</code> and
        <code>isUserInRole()</code>; the filter in front of them supplies the answers.</p>
    </article>
    <article class="card">
      <h2>A role-only area</h2>
      <p><a href="<%= ctx %>/admin/">/admin/</a> needs the <code>admin</code> role. Signed in without it,
        you get a plain refusal (403), not a login loop.</p>
    </article>
    <article class="card">
      <h2>For other services</h2>
      <p>Scripts post to <code>/auth/login</code> with <code>Accept: application/json</code> and get a
        bearer token. Nodes that only verify can read <a href="<%= ctx %>/.well-known/jwks.json">the public
        keys</a>. Operators on this machine can read <a href="<%= ctx %>/auth/health">health</a>.</p>
    </article>
  </section>
</main>
<%@ include file="/WEB-INF/jspf/footer.jspf" %>
</body>
</html>
