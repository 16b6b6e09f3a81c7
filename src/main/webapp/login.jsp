<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" trimDirectiveWhitespaces="true" import="dev.holdfast.web.Html, dev.holdfast.web.SafeRedirects" %>
<%
    String ctx = Html.escape(request.getContextPath());
    // Only a path inside this app is carried on; anything else is dropped, never echoed.
    String next = request.getParameter("next");
    if (!SafeRedirects.isLocalPath(next)) {
        next = "";
    }
    // Fixed texts keyed by the code the login servlet sends; the parameter itself is never printed.
    String error = request.getParameter("error");
    String message = null;
    if (error != null) {
        switch (error) {
            case "invalid": message = "That username and password don't match. Check them and try again."; break;
            case "unavailable": message = "Sign-in is temporarily unavailable: we can't reach the user database right now. Your password is not the problem. Please try again in a minute."; break;
            case "throttled": message = "Too many sign-in attempts. Wait a minute, then try again."; break;
            case "invalid_request": case "request": message = "The sign-in form was incomplete. Enter your username and password."; break;
            case "expired": message = "Your session has ended. Please sign in again."; break;
            default: message = "Sign-in didn't work. Please try again.";
        }
    }
    boolean loggedOut = request.getParameter("logged_out") != null;
    // Never framed (clickjacking a sign-in form), never cached, only this app's own script and style.
    dev.holdfast.web.ResponseHeaders.page(response);
%>
<!DOCTYPE html>
<html lang="en">
<head>
<%-- Self-contained on purpose: an existing app can take this file, static/holdfast.css and static/login.js as they are. --%>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="same-origin">
<meta name="robots" content="noindex">
<title>Sign in &middot; Holdfast</title>
<link rel="stylesheet" href="<%= ctx %>/static/holdfast.css">
<script src="<%= ctx %>/static/login.js" defer></script>
</head>
<body class="login-page">
<a class="skip" href="#main">Skip to content</a>
<main id="main" class="login-wrap">
  <div class="card login-card">
    <p class="brand brand-center"><span class="logo" aria-hidden="true">&#9875;</span> Holdfast</p>
    <h1>Sign in</h1>
    <div id="login-message" class="notice<%= message != null ? " notice-error" : (loggedOut ? " notice-ok" : "") %>"
         role="status" aria-live="polite"<%= message == null && !loggedOut ? " hidden" : "" %>><%=
        message != null ? Html.escape(message) : (loggedOut ? "You have signed out." : "") %></div>
    <form id="login-form" method="post" action="<%= ctx %>/auth/login"
          data-context="<%= ctx %>" data-emergency="<%= ctx %>/auth/emergency-login">
      <input type="hidden" name="next" value="<%= Html.escape(next) %>">
      <div class="field">
        <label for="username">Username</label>
        <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none"
               spellcheck="false" required autofocus maxlength="256">
      </div>
      <div class="field">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
      </div>
      <button type="submit" class="button wide" id="login-submit">Sign in</button>
    </form>
    <p class="muted small">Signing in sets a cookie that lasts as long as your session token. Nothing else is stored.</p>
  </div>
  <p class="muted small center"><a href="<%= ctx %>/">About this demo</a></p>
</main>
</body>
</html>
