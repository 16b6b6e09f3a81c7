<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" trimDirectiveWhitespaces="true" isErrorPage="true" import="dev.holdfast.web.Html" %>
<% String pageTitle = "Not allowed"; String currentPage = ""; String ctx = Html.escape(request.getContextPath()); %>
<!DOCTYPE html>
<html lang="en">
<head>
<%@ include file="/WEB-INF/jspf/head.jspf" %>
</head>
<body>
<%@ include file="/WEB-INF/jspf/nav.jspf" %>
<main id="main" class="wrap">
  <section class="card">
    <h1>This area needs another role</h1>
    <p class="lead">You are signed in, but your account does not have the role this page requires.
      Signing in again will not change that: ask an administrator for access.</p>
    <p class="actions">
      <a class="button" href="<%= ctx %>/app/">Back to the app</a>
    </p>
    <form method="post" action="<%= ctx %>/auth/logout" class="inline">
      <button type="submit" class="button secondary">Sign in as someone else</button>
    </form>
  </section>
</main>
<%@ include file="/WEB-INF/jspf/footer.jspf" %>
</body>
</html>
