<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" trimDirectiveWhitespaces="true" import="dev.holdfast.web.Html" %>
<% String pageTitle = "App"; String currentPage = "/app/"; String ctx = Html.escape(request.getContextPath()); %>
<%@ include file="/WEB-INF/jspf/identity.jspf" %>
<!DOCTYPE html>
<html lang="en">
<head>
<%@ include file="/WEB-INF/jspf/head.jspf" %>
</head>
<body>
<%@ include file="/WEB-INF/jspf/nav.jspf" %>
<main id="main" class="wrap">
  <h1>Hello, <span class="user"><%= Html.escape(user) %></span></h1>
  <p class="lead">This page is an ordinary JSP. It knows who you are only through the servlet API:
    <code>request.getRemoteUser()</code> returned <code><%= Html.escape(user) %></code>.</p>
  <%@ include file="/WEB-INF/jspf/whoami.jspf" %>
  <section class="card">
    <h2>Try it</h2>
    <ul class="links">
      <li><a href="<%= ctx %>/app/notes.jsp">Your notes</a>: a second protected page.</li>
      <li><a href="<%= ctx %>/admin/">The admin area</a>: only for the <code>admin</code> role<%= request.isUserInRole("admin") ? " (you have it)" : " (you don't have it: expect a refusal)" %>.</li>
    </ul>
  </section>
</main>
<%@ include file="/WEB-INF/jspf/footer.jspf" %>
</body>
</html>
