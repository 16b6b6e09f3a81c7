<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" %>
<%
    // The legacy way to guard an admin page: ask the container about the role.
    if (!request.isUserInRole("admin")) {
        response.sendError(HttpServletResponse.SC_FORBIDDEN, "Admins only");
        return;
    }
%>
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Manage users · Acme Orders</title></head>
<body>
<h1 id="manage">Manage users</h1>
<p>Only the admin role sees this page.</p>
</body>
</html>
