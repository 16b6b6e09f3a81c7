<%@ page contentType="text/plain; charset=UTF-8" pageEncoding="UTF-8" session="false" %><%--
  Plain text for tests: what the servlet API tells this page about the caller. --%><%
    out.print("user=" + request.getRemoteUser() + "\n");
    out.print("principal=" + (request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName()) + "\n");
    out.print("authType=" + request.getAuthType() + "\n");
    out.print("user-role=" + request.isUserInRole("user") + "\n");
    out.print("admin-role=" + request.isUserInRole("admin") + "\n");
%>
