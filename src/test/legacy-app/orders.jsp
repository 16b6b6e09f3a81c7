<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" %>
<%
    // The legacy way to insist on a login: no user, no orders.
    if (request.getRemoteUser() == null) {
        response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "Please sign in");
        return;
    }
    boolean admin = request.isUserInRole("admin");
%>
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Orders · Acme Orders</title></head>
<body>
<h1>Orders</h1>
<table>
  <thead><tr><th>Order</th><th>Customer</th><th>Total</th><% if (admin) { %><th>Refund</th><% } %></tr></thead>
  <tbody>
    <tr><td>A-1001</td><td>Harbour Supplies</td><td>€ 412.00</td><% if (admin) { %><td><button type="button">Refund</button></td><% } %></tr>
    <tr><td>A-1002</td><td>Keel &amp; Co.</td><td>€ 87.50</td><% if (admin) { %><td><button type="button">Refund</button></td><% } %></tr>
  </tbody>
</table>
<p id="refunds"><%= admin ? "You may refund orders." : "Refunds need the admin role." %></p>
</body>
</html>
