<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" isErrorPage="true" trimDirectiveWhitespaces="true" import="dev.holdfast.web.Html" %>
<%-- Shown for any uncaught exception: a plain apology, never the exception, its message or a stack trace. --%>
<% String pageTitle = "Something went wrong"; String currentPage = ""; String ctx = Html.escape(request.getContextPath()); %>
<!DOCTYPE html>
<html lang="en">
<head>
<%@ include file="/WEB-INF/jspf/head.jspf" %>
</head>
<body>
<%@ include file="/WEB-INF/jspf/nav.jspf" %>
<main id="main" class="wrap">
  <h1>Something went wrong</h1>
  <p>The page could not be shown. Please try again in a moment; if it keeps happening, tell your administrator
    the time it happened.</p>
  <p><a class="button" href="<%= ctx %>/">Back to the start page</a></p>
</main>
<%@ include file="/WEB-INF/jspf/footer.jspf" %>
</body>
</html>
