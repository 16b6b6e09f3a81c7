<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" trimDirectiveWhitespaces="true"
    import="dev.holdfast.web.Html, dev.holdfast.CriticalWrites, dev.holdfast.WriteResult, dev.holdfast.WritesUnavailableException, java.sql.SQLException, java.time.OffsetDateTime, java.time.ZoneOffset, java.util.UUID" %>
<%-- A legacy page that must not lose what the user typed: it saves through CriticalWrites, which applies the
     INSERT now or, while the database cannot answer, journals it durably and replays it later, exactly once.
     The POST is protected by the filter's same-origin check (the token rides in a cookie). --%>
<% String pageTitle = "Save a note"; String currentPage = "/app/save.jsp"; String ctx = Html.escape(request.getContextPath()); %>
<%@ include file="/WEB-INF/jspf/identity.jspf" %>
<%
    request.setCharacterEncoding("UTF-8");
    String outcome = null;
    String outcomeClass = "notice-ok";
    if ("POST".equals(request.getMethod())) {
        String body = request.getParameter("body");
        if (body == null || body.trim().isEmpty() || body.length() > 2000) {
            outcome = "Write a note of 1 to 2000 characters.";
            outcomeClass = "notice-error";
        } else {
            try {
                WriteResult result = CriticalWrites.from(application).execute(
                        "INSERT INTO demo_notes (id, username, body, created_at) VALUES (?, ?, ?, ?)",
                        UUID.randomUUID(), request.getRemoteUser(), body.trim(), OffsetDateTime.now(ZoneOffset.UTC));
                if (result.status() == WriteResult.Status.APPLIED) {
                    outcome = "Saved.";
                } else {
                    outcome = "Saved on this server; it will be synced to the database when it is back.";
                    outcomeClass = "notice-warn";
                }
            } catch (WritesUnavailableException e) {
                outcome = "Not saved: the database is down and this server cannot keep more notes. Please try again later.";
                outcomeClass = "notice-error";
            } catch (SQLException e) {
                application.log("save.jsp: the database refused the note (SQLState " + e.getSQLState() + ")");
                outcome = "Not saved: the database refused the note.";
                outcomeClass = "notice-error";
            }
        }
    }
    long waiting = CriticalWrites.from(application).pending();
%>
<!DOCTYPE html>
<html lang="en">
<head>
<%@ include file="/WEB-INF/jspf/head.jspf" %>
</head>
<body>
<%@ include file="/WEB-INF/jspf/nav.jspf" %>
<main id="main" class="wrap">
  <h1>Save a note</h1>
  <p class="lead">Stop the database and save a note: it is kept on this server and written to the database,
    once and in order, when the database answers again.</p>
  <% if (outcome != null) { %>
  <p class="notice <%= outcomeClass %>" role="status" id="save-outcome"><%= Html.escape(outcome) %></p>
  <% } %>
  <section class="card">
    <form method="post" action="<%= ctx %>/app/save.jsp">
      <div class="field">
        <label for="body">Note</label>
        <textarea id="body" name="body" rows="4" maxlength="2000" required></textarea>
      </div>
      <button class="button" type="submit">Save</button>
    </form>
    <p class="muted small" id="waiting">Waiting to be synced on this server: <%= waiting %></p>
  </section>
</main>
<%@ include file="/WEB-INF/jspf/footer.jspf" %>
</body>
</html>
