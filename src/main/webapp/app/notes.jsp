<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" trimDirectiveWhitespaces="true" import="dev.holdfast.web.Html" %>
<% String pageTitle = "Notes"; String currentPage = "/app/notes.jsp"; String ctx = Html.escape(request.getContextPath()); %>
<%@ include file="/WEB-INF/jspf/identity.jspf" %>
<!DOCTYPE html>
<html lang="en">
<head>
<%@ include file="/WEB-INF/jspf/head.jspf" %>
</head>
<body>
<%@ include file="/WEB-INF/jspf/nav.jspf" %>
<main id="main" class="wrap">
  <h1>Notes for <span class="user"><%= Html.escape(user) %></span></h1>
  <p class="lead">A stand-in for a page of a legacy app: it decides what to show with
    <code>isUserInRole()</code>, exactly as it did behind container-managed security.</p>
  <section class="card" aria-labelledby="notes-title">
    <h2 id="notes-title">Your notes</h2>
    <ul class="notes">
      <li><strong>Outage drill.</strong> Stop the database and sign in again: you get in from the credential tier.</li>
      <li><strong>Sign-out.</strong> Signing out revokes this token on this node until it expires.</li>
      <% if (request.isUserInRole("admin")) { %>
      <li class="admin-note"><strong>For admins.</strong> <code>isUserInRole("admin")</code> is true for you, so this line is shown.
        <a href="<%= ctx %>/admin/">Open the admin area</a>.</li>
      <% } else { %>
      <li><strong>Admins only.</strong> <code>isUserInRole("admin")</code> is false for you, so the admin note is hidden.</li>
      <% } %>
    </ul>
  </section>
  <%@ include file="/WEB-INF/jspf/whoami.jspf" %>
</main>
<%@ include file="/WEB-INF/jspf/footer.jspf" %>
</body>
</html>
