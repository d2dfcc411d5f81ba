"""Grids and technicians in the caller's scope."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from fiberops.core.api import READ_ERRORS, error_responses
from fiberops.workforce.models import Grid, Technician


class GridSerializer(serializers.ModelSerializer):
    branch = serializers.CharField(source="branch.code")
    branch_name = serializers.CharField(source="branch.name")
    area_type = serializers.CharField(source="branch.area_type")

    class Meta:
        model = Grid
        fields = ["code", "name", "branch", "branch_name", "area_type"]


class TechnicianSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.code")
    grid = serializers.CharField(source="team.grid.code")
    skills: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    certified_until = serializers.DateField(allow_null=True)

    class Meta:
        model = Technician
        fields = ["staff_no", "name", "team", "grid", "skills", "certified_until", "is_active"]


@extend_schema_view(
    list=extend_schema(
        responses={200: GridSerializer(many=True), **error_responses(*READ_ERRORS)},
        description="The grids in the caller's scope.",
    ),
    retrieve=extend_schema(
        responses={200: GridSerializer, **error_responses(*READ_ERRORS)},
        description="One grid by its code (outside the caller's scope: 404).",
    ),
)
class GridViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = GridSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Grid.objects.visible_to(self.request.user).select_related("branch").distinct()


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("grid", str, description="Grid code")],
        responses={200: TechnicianSerializer(many=True), **error_responses(*READ_ERRORS)},
        description="The technicians in the caller's scope; `grid` keeps those of one grid.",
    ),
    retrieve=extend_schema(
        responses={200: TechnicianSerializer, **error_responses(*READ_ERRORS)},
        description="One technician by staff number (outside the caller's scope: 404).",
    ),
)
class TechnicianViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TechnicianSerializer
    lookup_field = "staff_no"

    def get_queryset(self):
        queryset = (
            Technician.objects.visible_to(self.request.user)
            .select_related("team__grid")
            .prefetch_related("skills")
        )
        grid = self.request.query_params.get("grid")
        return queryset.in_grid(grid) if grid else queryset
