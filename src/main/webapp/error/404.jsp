<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" trimDirectiveWhitespaces="true" isErrorPage="true" import="dev.holdfast.web.Html" %>
<% String pageTitle = "Not found"; String currentPage = ""; String ctx = Html.escape(request.getContextPath()); %>
<!DOCTYPE html>
<html lang="en">
<head>
<%@ include file="/WEB-INF/jspf/head.jspf" %>
</head>
<body>
<%@ include file="/WEB-INF/jspf/nav.jspf" %>
<main id="main" class="wrap">
  <section class="card">
    <h1>No such page</h1>
    <p class="lead">Nothing is here. Check the address, or start again from the app.</p>
    <p class="actions">
      <a class="button" href="<%= ctx %>/app/">Back to the app</a>
    </p>
  </section>
</main>
<%@ include file="/WEB-INF/jspf/footer.jspf" %>
</body>
</html>
