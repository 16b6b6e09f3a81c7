<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" %>
<%!
    static String esc(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
%>
<% String user = request.getRemoteUser(); %>
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Acme Orders</title></head>
<body>
<h1>Acme Orders</h1>
<% if (user == null) { %>
<p id="greeting">Welcome, guest. You are not signed in.</p>
<% } else { %>
<p id="greeting">Welcome back, <span id="user"><%= esc(user) %></span>.</p>
<% } %>
<ul>
  <li><a href="orders.jsp">Orders</a></li>
  <% if (request.isUserInRole("admin")) { %><li><a href="manage.jsp">Manage users</a></li><% } %>
  <li><a href="whoami.jsp">Who am I?</a></li>
</ul>
</body>
</html>
